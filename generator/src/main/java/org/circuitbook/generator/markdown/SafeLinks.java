package org.circuitbook.generator.markdown;

import com.vladsch.flexmark.html.IndependentLinkResolverFactory;
import com.vladsch.flexmark.html.LinkResolver;
import com.vladsch.flexmark.html.renderer.LinkResolverBasicContext;
import com.vladsch.flexmark.html.renderer.LinkType;
import com.vladsch.flexmark.html.renderer.ResolvedLink;
import com.vladsch.flexmark.util.ast.Node;

/**
 * The renderer's guard for every link and image Flexmark writes (inline, reference, autolink): a URL that
 * {@link UrlPolicy} refuses becomes {@code #}. The check stage refuses such URLs first, with their position; this
 * only makes sure a page can never carry one.
 */
final class SafeLinks implements LinkResolver {
    static final class Factory extends IndependentLinkResolverFactory {
        @Override
        public LinkResolver apply(LinkResolverBasicContext context) {
            return new SafeLinks();
        }
    }

    @Override
    public ResolvedLink resolveLink(Node node, LinkResolverBasicContext context, ResolvedLink link) {
        boolean image = link.getLinkType().equals(LinkType.IMAGE) || link.getLinkType().equals(LinkType.IMAGE_REF);
        return UrlPolicy.allowed(link.getUrl(), image ? UrlPolicy.Use.IMAGE : UrlPolicy.Use.LINK) ? link : link.withUrl("#");
    }
}
