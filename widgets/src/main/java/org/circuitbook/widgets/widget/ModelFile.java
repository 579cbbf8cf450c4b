package org.circuitbook.widgets.widget;

/** One weights file of a trained spec, by the name training gave it ({@code final.safetensors}, ...). */
public record ModelFile(String name, byte[] bytes) {
}
