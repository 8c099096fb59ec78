package org.wsss4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Holds every main source file to the "May import: ..." line of its package's
 * {@code package-info.java}: the packages form a list (io, data, nn, ..., pipeline, cli) and each
 * imports only packages above it, so a stage's network cannot drift back into {@code nn} and no
 * library package learns about picocli.
 */
class PackageImportsTest {
    private static final Path MAIN = Path.of("src/main/java/org/wsss4j");
    private static final Pattern MAY_IMPORT = Pattern.compile("May import:([^.]*(?:\\.[a-z][^.]*)*)\\.", Pattern.DOTALL);
    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.wsss4j((?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]");

    @Test
    void everyPackageSaysItsRoleAndWhatItMayImport() throws IOException {
        for (Path dir : packages()) {
            Path info = dir.resolve("package-info.java");
            assertTrue(Files.isRegularFile(info), dir + " has no package-info.java");
            allowed(dir); // parses
        }
    }

    @Test
    void sourceFilesImportOnlyWhatTheirPackageAllows() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path dir : packages()) {
            Set<String> allowed = allowed(dir);
            String self = name(dir);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String code = withoutComments(Files.readString(f));
                    Matcher m = REFERENCE.matcher(code);
                    while (m.find()) {
                        String pkg = m.group(1).isEmpty() ? "(root)" : m.group(1).substring(1);
                        if (!pkg.equals(self) && !allowed.contains(pkg)) {
                            violations.add(MAIN.relativize(f) + " uses org.wsss4j." + pkg);
                        }
                    }
                    if (!self.equals("cli") && code.contains("picocli")) {
                        violations.add(MAIN.relativize(f) + " uses picocli outside cli");
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void theCheckSeesAWrongImport() {
        String code = withoutComments("import org.wsss4j.cam.AdvCam; // org.wsss4j.pipeline.Preset\n"
                + "/** {@link org.wsss4j.cli.Main} */ class X { org.wsss4j.data.image.RgbImage i; }");
        List<String> found = new ArrayList<>();
        Matcher m = REFERENCE.matcher(code);
        while (m.find()) {
            found.add(m.group(1));
        }
        assertEquals(List.of(".cam", ".data.image"), found);
    }

    private static Set<String> allowed(Path dir) throws IOException {
        String info = Files.readString(dir.resolve("package-info.java")).replace("*", " ");
        Matcher m = MAY_IMPORT.matcher(info);
        assertTrue(m.find(), dir + "/package-info.java has no line \"May import: ...\"");
        Set<String> allowed = new TreeSet<>();
        String list = m.group(1).strip();
        if (list.startsWith("nothing")) {
            return allowed;
        }
        for (String p : list.split(",")) {
            allowed.add(p.strip());
        }
        return allowed;
    }

    private static List<Path> packages() throws IOException {
        try (Stream<Path> all = Files.walk(MAIN)) {
            return all.filter(Files::isDirectory).filter(d -> {
                try (Stream<Path> files = Files.list(d)) {
                    return files.anyMatch(p -> p.toString().endsWith(".java"));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }

    private static String name(Path dir) {
        String rel = MAIN.relativize(dir).toString().replace('/', '.');
        return rel.isEmpty() ? "(root)" : rel;
    }

    private static String withoutComments(String code) {
        return code.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ").replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"");
    }
}
