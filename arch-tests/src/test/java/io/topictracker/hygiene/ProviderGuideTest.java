package io.topictracker.hygiene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.engine.config.ConfigLoader;
import io.topictracker.engine.config.NodeConfig;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider guides are correct to the letter. README's "Writing a provider" block compiles against the TCK with
 * the imports it names (a stub stands for the {@code MyDhtProvider} it creates). Each {@code java} and {@code xml}
 * block of docs/writing-a-provider.md is either the example's own text, found verbatim in examples/dirdht (whose
 * build compiles and tests it), or a whole source file that compiles here against the TCK (a stub for the provider
 * it names); its TOML block is a configuration the engine reads. Neither page keeps a leftover of the TCK before
 * issue 17 (a {@code provider()} method on the DHT contract, contracts that "arrive with their issues").
 */
class ProviderGuideTest {
    private static final Path ROOT = Path.of(System.getProperty("repository.root")).toAbsolutePath().normalize();
    private static final Pattern BLOCK = Pattern.compile("^( *)```(java|xml|toml)\\n(.*?)^ *```", Pattern.DOTALL
            | Pattern.MULTILINE);
    private static final List<String> README_IMPORTS = List.of("io.topictracker.api.ConfigTable",
            "io.topictracker.api.dht.Dht", "io.topictracker.tck.DhtContract", "java.util.List", "java.util.Map",
            "java.util.concurrent.CopyOnWriteArrayList");

    /** A fenced block: its language and its text, indentation of the fence removed. */
    private record Block(String language, String text) {}

    private static List<Block> blocks(String markdown) {
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(markdown);
        while (matcher.find()) {
            String indent = matcher.group(1);
            String text = matcher.group(3).lines()
                    .map(line -> line.startsWith(indent) ? line.substring(indent.length()) : line)
                    .collect(Collectors.joining("\n", "", "\n"));
            blocks.add(new Block(matcher.group(2), text));
        }
        return blocks;
    }

    private static String section(String markdown, String heading) {
        int start = markdown.indexOf("\n## " + heading + "\n");
        assertTrue(start >= 0, "README has a section '" + heading + "'");
        int end = markdown.indexOf("\n## ", start + 1);
        return markdown.substring(start, end < 0 ? markdown.length() : end);
    }

    @Test
    void theReadmeBlockCompilesAgainstTheTck(@TempDir Path dir) throws IOException {
        String section = section(Files.readString(ROOT.resolve("README.md")), "Writing a provider");
        List<Block> java = blocks(section).stream().filter(b -> b.language().equals("java")).toList();
        assertEquals(1, java.size(), "one java block in README's 'Writing a provider'");
        StringBuilder source = new StringBuilder();
        README_IMPORTS.forEach(name -> source.append("import ").append(name).append(";\n"));
        source.append(java.get(0).text());
        compile(dir, "MyDhtContractTest", source.toString(), stub(Optional.empty(), "MyDhtProvider", false));
        for (String name : README_IMPORTS) {
            assertTrue(section.contains("`" + name + "`"), "README names the import " + name);
        }
    }

    @Test
    void everyBlockOfTheGuideIsTheExamplesOwnOrCompiles(@TempDir Path dir) throws IOException {
        String guide = Files.readString(ROOT.resolve("docs/writing-a-provider.md"));
        List<String> example = exampleSources();
        List<Block> blocks = blocks(guide);
        assertTrue(blocks.size() >= 8, "the guide shows its code: " + blocks.size() + " blocks");
        int compiled = 0;
        for (Block block : blocks) {
            if (block.language().equals("toml")) {
                NodeConfig config = ConfigLoader.parse(block.text(), "writing-a-provider.md");
                assertEquals(Optional.of("dirdht"), config.providers().dht(), block.text());
                assertTrue(config.providerTables().dht().containsKey("dirdht"), block.text());
                continue;
            }
            if (example.stream().anyMatch(text -> text.contains(block.text()))) {
                continue;
            }
            assertTrue(block.language().equals("java") && block.text().startsWith("package "),
                    "a block of the guide is neither in examples/dirdht verbatim nor a whole source file:\n"
                            + block.text());
            Matcher type = Pattern.compile("^class (\\w+)", Pattern.MULTILINE).matcher(block.text());
            Matcher provider = Pattern.compile("new (My\\w*Provider)\\(\\)").matcher(block.text());
            assertTrue(type.find() && provider.find(), "a whole source file names its class and provider:\n"
                    + block.text());
            String pkg = block.text().substring("package ".length(), block.text().indexOf(';'));
            compile(dir.resolve("unit" + compiled), type.group(1), block.text(),
                    stub(Optional.of(pkg), provider.group(1), block.text().contains("TransportProvider")));
            compiled++;
        }
        assertEquals(1, compiled, "the transport contract test is the one block that is not the example's");
    }

    @Test
    void noLeftoverOfTheOldTck() throws IOException {
        for (Path page : List.of(ROOT.resolve("README.md"), ROOT.resolve("docs/writing-a-provider.md"),
                ROOT.resolve("tck/src/main/java/io/topictracker/tck/package-info.java"))) {
            String text = Files.readString(page);
            assertFalse(text.contains("arrive with their issues"), page.toString());
            assertFalse(text.contains("DhtProvider provider()"), page.toString());
            assertFalse(text.contains("providerThreadNamePrefixes"), page.toString());
        }
    }

    private static List<String> exampleSources() throws IOException {
        Path example = ROOT.resolve("examples/dirdht");
        try (Stream<Path> files = Files.walk(example)) {
            List<String> texts = new ArrayList<>();
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/target/"))
                    .filter(f -> f.toString().endsWith(".java") || f.toString().endsWith(".xml")).toList()) {
                texts.add(Files.readString(file));
            }
            assertTrue(texts.size() >= 5, "examples/dirdht holds its sources: " + texts.size());
            return texts;
        }
    }

    /** A provider of the given name that is never run: the snippets only need it to compile. */
    private static String stub(Optional<String> pkg, String name, boolean transport) {
        String spi = transport ? "io.topictracker.api.transport.TransportProvider"
                : "io.topictracker.api.dht.DhtProvider";
        String made = transport ? "io.topictracker.api.transport.Transport" : "io.topictracker.api.dht.Dht";
        String context = transport ? "io.topictracker.api.transport.TransportContext"
                : "io.topictracker.api.dht.DhtContext";
        return pkg.map(p -> "package " + p + ";\n").orElse("") + "public class " + name + " implements " + spi
                + " {\n  public String id() { return \"stub\"; }\n  public " + made + " create(" + context
                + " context) { throw new UnsupportedOperationException(); }\n}\n";
    }

    private static void compile(Path dir, String type, String source, String stub) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(type + ".java");
        Files.writeString(file, source);
        Matcher name = Pattern.compile("public class (\\w+)").matcher(stub);
        assertTrue(name.find());
        Path stubFile = dir.resolve(name.group(1) + ".java");
        Files.writeString(stubFile, stub);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean compiled = javac.getTask(diagnostics, null, null, List.of("-d", dir.resolve("classes").toString(),
                "-classpath", System.getProperty("java.class.path")), null,
                javac.getStandardFileManager(null, null, null).getJavaFileObjects(file.toFile(), stubFile.toFile()))
                .call();
        assertTrue(compiled, "compiles:\n" + diagnostics + "\n" + source);
    }
}
