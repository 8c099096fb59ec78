package org.wsss4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Holds the main sources to ND4J's backend-neutral API, so that a build with {@code -Pcuda} runs
 * the same code on the GPU: no class of the CPU backend, no CPU-only native library, and no raw
 * native pointer or NIO view of an array's buffer, which on CUDA is device memory (or a host copy
 * that ND4J does not know was written). Each rule names what to use instead.
 */
class BackendNeutralityTest {
    private static final Path MAIN = Path.of("src/main/java");

    /** A CPU-only use: what it looks like in code and the backend-neutral alternative. */
    record Rule(String name, Pattern pattern, String instead) {
        Rule(String name, String regex, String instead) {
            this(name, Pattern.compile(regex), instead);
        }
    }

    static final List<Rule> RULES = List.of(
            new Rule("the CPU backend's classes (org.nd4j.linalg.cpu.*)", "\\borg\\.nd4j\\.linalg\\.cpu\\b",
                    "Nd4j's factory methods, Nd4j.getExecutioner() and Nd4j.getEnvironment(), which every backend implements"),
            new Rule("the CPU backend's native bindings (Nd4jCpu)", "\\bNd4jCpu\\b",
                    "the op classes of org.nd4j.linalg.api.ops run through Nd4j.exec(...) or SameDiff"),
            new Rule("OpenBLAS directly (org.bytedeco.openblas)", "\\borg\\.bytedeco\\.openblas\\b",
                    "INDArray.mmul / Nd4j.gemm (OpenBLAS on the CPU, cuBLAS on CUDA)"),
            new Rule("the CPU array factory (CpuNDArrayFactory)", "\\bCpuNDArrayFactory\\b",
                    "Nd4j.create(...) / Nd4j.createFromArray(...) or Nd4j.getNDArrayFactory()"),
            new Rule("an array buffer's native pointer (.data().pointer())", "\\.data\\(\\)\\s*\\.\\s*pointer\\s*\\(",
                    "data().asFloat() (or asDouble, asInt, ...) to read and INDArray.assign / putScalar / "
                            + "Nd4j.createFromArray to write: they synchronise host and device"),
            new Rule("an array buffer's address (.addressPointer())", "\\.\\s*addressPointer\\s*\\(",
                    "data().asFloat() (or asDouble, asInt, ...) to read and INDArray.assign / putScalar / "
                            + "Nd4j.createFromArray to write: they synchronise host and device"),
            new Rule("an NIO view of an array buffer (asNio...)", "\\.\\s*asNio(Buffer|Float|Double|Int|Long)?\\s*\\(",
                    "data().asFloat() (or asDouble, asInt, ...) to read and INDArray.assign / putScalar / "
                            + "Nd4j.createFromArray to write: writes through the view bypass the device copy"));

    @Test
    void mainSourcesUseOnlyBackendNeutralApis() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> all = Files.walk(MAIN)) {
            for (Path f : all.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                violations.addAll(violations(MAIN.relativize(f).toString(), Files.readString(f)));
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void theScannerFlagsEachRuleInASnippet() {
        List<String> snippets = List.of(
                "import org.nd4j.linalg.cpu.nativecpu.CpuBackend;\nclass A {}",
                "class B { void f() { org.nd4j.nativeblas.Nd4jCpu.sum(); } }",
                "import org.bytedeco.openblas.global.openblas;\nclass C {}",
                "class D { Object f = new CpuNDArrayFactory(); }",
                "class E { long f(INDArray a) { return a.data().pointer().address(); } }",
                "class F { Object f(INDArray a) {\n return a.data().addressPointer(); } }",
                "class G { void f(INDArray a) { a.data().asNioFloat().put(0, 1f); } }");
        assertEquals(RULES.size(), snippets.size());
        for (int i = 0; i < RULES.size(); i++) {
            List<String> found = violations("Snippet.java", snippets.get(i));
            assertEquals(1, found.size(), "snippet " + i + ": " + found);
            String expected = "Snippet.java:" + (i == 5 ? 2 : 1) + " uses " + RULES.get(i).name()
                    + "; use " + RULES.get(i).instead();
            assertEquals(expected, found.get(0));
        }
    }

    @Test
    void theScannerPassesBackendNeutralCodeAndComments() {
        String code = """
                import org.nd4j.linalg.factory.Nd4j;
                // not org.nd4j.linalg.cpu.nativecpu.CpuBackend nor a.data().pointer()
                /* Nd4jCpu, CpuNDArrayFactory,
                   org.bytedeco.openblas, b.asNioBuffer() */
                class H {
                    float[] f(INDArray a) { Nd4j.getExecutioner().commit(); return a.data().asFloat(); }
                    long g() { return org.bytedeco.javacpp.Pointer.maxBytes(); }
                }
                """;
        assertEquals(List.of(), violations("H.java", code));
        // a comment before a violation does not shift its line
        List<String> found = violations("I.java", "/* one\n two */\n// three\nimport org.bytedeco.openblas.global.openblas;");
        assertEquals(1, found.size());
        assertTrue(found.get(0).startsWith("I.java:4 uses OpenBLAS"), found.get(0));
        // a "//" inside a string starts no comment
        found = violations("J.java", "class J { String u = \"http://x\"; Object f = new CpuNDArrayFactory(); }");
        assertEquals(1, found.size());
        assertTrue(found.get(0).startsWith("J.java:1 uses the CPU array factory"), found.get(0));
    }

    /** "file:line uses ...; use ..." for each rule broken in {@code code}, comments aside. */
    static List<String> violations(String file, String code) {
        String live = withoutComments(code);
        List<String> found = new ArrayList<>();
        for (Rule rule : RULES) {
            Matcher m = rule.pattern().matcher(live);
            while (m.find()) {
                int line = 1 + (int) live.substring(0, m.start()).chars().filter(c -> c == '\n').count();
                found.add(file + ":" + line + " uses " + rule.name() + "; use " + rule.instead());
            }
        }
        return found;
    }

    /**
     * The code with comments blanked out, line breaks kept so that line numbers stay right; string
     * literals are kept (a "//" in a URL does not start a comment).
     */
    private static String withoutComments(String code) {
        Matcher m = Pattern.compile("(?s)\"(?:\\\\.|[^\"\\\\\n])*\"|/\\*.*?\\*/|//[^\n]*").matcher(code);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String s = m.group();
            m.appendReplacement(sb, Matcher.quoteReplacement(s.startsWith("\"") ? s : s.replaceAll("[^\n]", " ")));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
