package org.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.LineMap;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * No method or constructor of the main code is longer than {@link #MAX_LINES} lines, from the line of its name (its
 * return type) to its closing brace, the lambdas and anonymous classes inside it included: a longer one does several
 * jobs, and is split into named ones (STYLE.md). The sources are parsed by the JDK's own compiler front end, so every
 * construct of the language is read as the build reads it.
 */
class MethodLengthTest {
    static final int MAX_LINES = 60;
    private static final Path MAIN = Path.of("src", "main", "java");

    @Test
    void noMethodOfTheMainCodeShouldBeLongerThanSixtyLines() throws IOException {
        // given: every source file of the main code, parsed
        List<String> tooLong = new ArrayList<>();
        int[] counted = {0};
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8);
                Stream<Path> walk = Files.walk(MAIN)) {
            List<Path> sources =
                    walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
            Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(sources);
            JavacTask task = (JavacTask) compiler.getTask(null, files, null, List.of("-proc:none"), null, units);
            SourcePositions positions = Trees.instance(task).getSourcePositions();

            // when: each method's lines are counted
            for (CompilationUnitTree unit : task.parse()) {
                counted[0] += new Lengths(unit, positions, tooLong).count(unit);
            }
        }

        // then
        assertThat(sourcesFound(tooLong)).as("methods over %d lines", MAX_LINES).isEmpty();
    }

    private static List<String> sourcesFound(List<String> tooLong) {
        assertThat(Files.isDirectory(MAIN))
                .as("%s, from the project's folder", MAIN)
                .isTrue();
        return tooLong;
    }

    /** Adds "Class.method: N lines" for each method of one file over the limit. */
    private static final class Lengths extends TreePathScanner<Void, Void> {
        private final CompilationUnitTree unit;
        private final SourcePositions positions;
        private final LineMap lines;
        private final List<String> tooLong;
        private final List<String> classes = new ArrayList<>();
        private int methods;

        Lengths(CompilationUnitTree unit, SourcePositions positions, List<String> tooLong) {
            this.unit = unit;
            this.positions = positions;
            this.lines = unit.getLineMap();
            this.tooLong = tooLong;
        }

        /** Scans the file, returning how many methods with a body it holds. */
        int count(CompilationUnitTree tree) {
            scan(tree, null);
            return methods;
        }

        @Override
        public Void visitClass(ClassTree tree, Void unused) {
            String name = tree.getSimpleName().toString();
            classes.add(name.isEmpty() ? "(anonymous)" : name);
            try {
                return super.visitClass(tree, unused);
            } finally {
                classes.removeLast();
            }
        }

        @Override
        public Void visitMethod(MethodTree method, Void unused) {
            if (method.getBody() != null) {
                methods++;
                Tree head = method.getReturnType() != null ? method.getReturnType() : method;
                long first = lines.getLineNumber(positions.getStartPosition(unit, head));
                long last = lines.getLineNumber(positions.getEndPosition(unit, method));
                long length = last - first + 1;
                if (length > MAX_LINES) {
                    tooLong.add(unit.getSourceFile().getName().replaceFirst(".*/src/main/java/", "") + ": "
                            + String.join(".", classes) + "." + method.getName() + " " + length + " lines");
                }
            }
            return super.visitMethod(method, unused);
        }
    }
}
