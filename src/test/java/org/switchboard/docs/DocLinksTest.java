package org.switchboard.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in README.md and docs/*.md resolves inside a clone: the file or folder exists in the
 * repository, and a {@code #fragment} names a heading of the linked page. Paths written in code spans that climb out
 * of the repository ({@code ../shared/...}) are refused too: a clone does not have them.
 */
class DocLinksTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().normalize();
    private static final Pattern LINK =
            Pattern.compile("!?\\[(?:[^\\]\\\\]|\\\\.)*]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern CODE_PATH = Pattern.compile("`(\\.\\./[^`\\s]*)`");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$");

    @Test
    void everyRelativeLinkInTheReadmeAndDocsShouldResolveInsideTheRepository() throws IOException {
        // given
        List<Path> pages = pages();
        List<String> broken = new ArrayList<>();

        // when
        for (Path page : pages) {
            for (String target : targets(page, LINK)) {
                problem(page, target).ifPresent(broken::add);
            }
            for (String path : targets(page, CODE_PATH)) {
                problem(page, path).ifPresent(broken::add);
            }
        }

        // then
        assertThat(pages).contains(ROOT.resolve("README.md"), ROOT.resolve("docs/architecture.md"));
        assertThat(broken).isEmpty();
    }

    @Test
    void theCheckShouldCatchAPathOutsideTheCloneAMissingFileAndAMissingHeading() {
        // given
        Path readme = ROOT.resolve("README.md");

        // when / then
        assertThat(problem(readme, "../shared/ARCHITECTURE.md")).isPresent();
        assertThat(problem(readme, "docs/nowhere.md")).isPresent();
        assertThat(problem(readme, "docs/call-flow.md#no-such-heading")).isPresent();
        assertThat(problem(readme, "docs/call-flow.md#naming-publishers-buyers-and-campaigns"))
                .isEmpty();
        assertThat(problem(readme, "https://example.com/x")).isEmpty();
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** The link targets (or code-span paths) of a page, outside fenced code blocks. */
    private static List<String> targets(Path page, Pattern pattern) throws IOException {
        List<String> found = new ArrayList<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(page)) {
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            Matcher m = pattern.matcher(line);
            while (m.find()) {
                found.add(m.group(1));
            }
        }
        return found;
    }

    /** Why a link from {@code page} to {@code target} does not resolve in a clone, if it does not. */
    private static java.util.Optional<String> problem(Path page, String target) {
        if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return java.util.Optional.empty(); // https:, mailto: ... leave the repository on purpose
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String fragment = hash < 0 ? "" : target.substring(hash + 1);
        Path resolved = path.isEmpty() ? page : page.getParent().resolve(path).normalize();
        String where = ROOT.relativize(page) + ": " + target;
        if (!resolved.startsWith(ROOT)) {
            return java.util.Optional.of(where + " points outside the repository");
        }
        if (!Files.exists(resolved)) {
            return java.util.Optional.of(where + " does not exist");
        }
        if (!fragment.isEmpty() && !anchors(resolved).contains(fragment)) {
            return java.util.Optional.of(where + " names no heading of " + ROOT.relativize(resolved));
        }
        return java.util.Optional.empty();
    }

    /** The anchors of a markdown page's headings, as GitHub makes them. */
    private static Set<String> anchors(Path page) {
        Set<String> anchors = new HashSet<>();
        if (!page.toString().endsWith(".md")) {
            return anchors;
        }
        try {
            boolean fenced = false;
            for (String line : Files.readAllLines(page)) {
                if (line.strip().startsWith("```")) {
                    fenced = !fenced;
                }
                Matcher m = HEADING.matcher(line);
                if (!fenced && m.matches()) {
                    anchors.add(m.group(1)
                            .toLowerCase(Locale.ROOT)
                            .replaceAll("[^\\p{L}\\p{N} _-]", "")
                            .replace(' ', '-'));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return anchors;
    }
}
