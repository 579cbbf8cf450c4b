package org.circuitbook.generator.markdown;

/** The content of a reference role: {@code label}, or {@code text <label>} with the author's own text. */
record RoleTarget(String text, String label) {
    static RoleTarget parse(String content) {
        String c = content.strip();
        if (c.endsWith(">") && c.lastIndexOf('<') > 0) {
            int lt = c.lastIndexOf('<');
            return new RoleTarget(c.substring(0, lt).strip(), c.substring(lt + 1, c.length() - 1).strip());
        }
        return new RoleTarget(null, c);
    }
}
