package io.topictracker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first library example runs as written: the first {@code java} block of README.md is compiled, inside
 * a {@code main} with the imports the README names, against this module's class path (the engine, the in-memory DHT
 * and the TCP, QUIC and in-memory transports), and run. It is the first node of its topic, the case the example
 * promises to handle.
 */
class ReadmeExampleTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Pattern FIRST_JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final List<String> IMPORTS = List.of("io.topictracker.engine.*", "java.time.Duration",
            "java.util.concurrent.TimeUnit", "static java.nio.charset.StandardCharsets.UTF_8");

    static String firstJavaBlock() throws IOException {
        Matcher block = FIRST_JAVA_BLOCK.matcher(Files.readString(README));
        assertTrue(block.find(), "README.md has a ```java block");
        return block.group(1);
    }

    @Test
    void theFirstExampleCompilesAndRunsForTheFirstNodeOfATopic(@TempDir Path dir) throws Exception {
        String snippet = firstJavaBlock();
        assertTrue(snippet.lines().count() <= 8, "the first example stays short:\n" + snippet);
        StringBuilder source = new StringBuilder();
        IMPORTS.forEach(name -> source.append("import ").append(name).append(";\n"));
        source.append("public class ReadmeExample {\n  public static void main(String[] args) throws Exception {\n")
                .append(snippet).append("  }\n}\n");
        Path file = dir.resolve("ReadmeExample.java");
        Files.writeString(file, source);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean compiled = javac.getTask(diagnostics, null, null, List.of("-d", dir.toString(), "-classpath",
                System.getProperty("java.class.path")), null,
                javac.getStandardFileManager(null, null, null).getJavaFileObjects(file.toFile())).call();
        assertTrue(compiled, "the README example compiles:\n" + diagnostics + "\n" + source);

        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                getClass().getClassLoader())) {
            Method main = loader.loadClass("ReadmeExample").getMethod("main", String[].class);
            CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
                try {
                    main.invoke(null, (Object) new String[0]);
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new IllegalStateException("the README example failed", e.getCause() != null ? e.getCause() : e);
                }
            });
            assertEquals(null, run.get(60, TimeUnit.SECONDS), "the example ran to its end");
        }
    }
}
