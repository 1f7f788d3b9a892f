package io.topictracker.archtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The BOM (bom/pom.xml, which has no parent) keeps up with the build: it lists exactly the published modules (every
 * reactor module with jar packaging that does not set {@code maven.deploy.skip}), at the parent's version.
 */
class BillOfMaterialsTest {
    private static final Path ROOT = Path.of(System.getProperty("repository.root", ".."));

    private static Document read(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(pom.toFile());
    }

    /** @return the text of the first direct child of {@code parent} named {@code name}, or null */
    private static String child(Element parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element.getTextContent().trim();
            }
        }
        return null;
    }

    private static List<String> texts(Document document, String tag) {
        NodeList nodes = document.getElementsByTagName(tag);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            values.add(nodes.item(i).getTextContent().trim());
        }
        return values;
    }

    @Test
    void theBomListsEveryPublishedModuleAtTheParentsVersion() throws Exception {
        Document parent = read(ROOT.resolve("pom.xml"));
        Set<String> published = new TreeSet<>();
        for (String module : texts(parent, "module")) {
            Path pom = ROOT.resolve(module).resolve("pom.xml");
            Element project = read(pom).getDocumentElement();
            String packaging = child(project, "packaging");
            boolean skipsDeploy = Files.readString(pom).contains("<maven.deploy.skip>true</maven.deploy.skip>");
            if ((packaging == null || packaging.equals("jar")) && !skipsDeploy) {
                published.add(child(project, "artifactId"));
            }
        }
        Document bom = read(ROOT.resolve("bom").resolve("pom.xml"));
        Set<String> listed = new TreeSet<>();
        NodeList dependencies = bom.getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            listed.add(child((Element) dependencies.item(i), "artifactId"));
        }
        assertEquals(published, listed, "bom/pom.xml lists the published modules");
        assertEquals(child(parent.getDocumentElement(), "version"), child(bom.getDocumentElement(), "version"),
                "the BOM's version is the parent's");
    }
}
