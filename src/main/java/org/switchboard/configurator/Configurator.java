package org.switchboard.configurator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.switchboard.platform.http.Json;
import org.switchboard.platform.problem.Problem;
import org.switchboard.webhook.Trigger;

/**
 * The Webhook Configurator's library: templates for common integrations, each a JSON file under
 * {@code src/main/resources/configurator/} (adding one is adding a file). A template names the fields it asks, where
 * its webhooks may go ({@code owners}: company, campaign, buyer) and the webhooks and conversion criteria it creates,
 * written as the API's JSON with {@code {{field}}} placeholders. {@link #plan} fills them from a person's answers:
 * each answer is checked for its field's type first, so a value cannot break out of the place it is put; an array
 * element whose placeholders are all blank is dropped (an optional filter term); an entry with {@code "if": "field"}
 * is made only when that checkbox is ticked. The API's own checks then judge the result. Pure apart from loading.
 */
public final class Configurator {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,250})(:[0-9]{1,5})?");
    /** The templates' folder in the jar, as the jar names its entries. */
    private static final String FOLDER = "configurator/";

    /** A question a template asks. */
    public record Field(
            String name,
            String label,
            String type,
            boolean required,
            String placeholder,
            String help,
            String defaultValue) {}

    /** A template of the library. */
    public record Template(
            String id,
            String name,
            String summary,
            List<String> owners,
            List<Field> fields,
            ArrayNode webhooks,
            ArrayNode criteria) {}

    /** A criterion to create: its owner ({@code campaign:12}, {@code buyer:3}) and its API JSON. */
    public record PlannedCriterion(String owner, ObjectNode body) {}

    /** What a template creates for the answers given. */
    public record Plan(List<ObjectNode> webhooks, List<PlannedCriterion> criteria) {}

    private final Map<String, Template> idToTemplate;

    private Configurator(Map<String, Template> idToTemplate) {
        this.idToTemplate = idToTemplate;
    }

    /**
     * The templates bundled with the build, read on the first call (once; concurrent first calls wait for the one
     * read): the console's routes are set up without them, so a start does not list the jar's 24,000 entries for
     * them before it answers. A template that does not parse throws here (ConfiguratorTest reads them all).
     */
    public static Configurator bundled() {
        return Bundled.LIBRARY;
    }

    /** Holds the bundled templates; the JVM reads them when {@link #bundled} first touches this class. */
    private static final class Bundled {
        static final Configurator LIBRARY = load();
    }

    /** The templates in {@code /configurator/*.json} on the class path, by file name. */
    public static Configurator load() {
        Map<String, Template> templates = new LinkedHashMap<>();
        for (Map.Entry<String, String> file : files().entrySet()) {
            Template t = parse(file.getKey(), Json.readObject(file.getValue().getBytes(StandardCharsets.UTF_8)));
            templates.put(t.id(), t);
        }
        return new Configurator(templates);
    }

    public List<Template> templates() {
        return List.copyOf(idToTemplate.values());
    }

    public Optional<Template> find(String id) {
        return Optional.ofNullable(idToTemplate.get(id));
    }

    /**
     * The webhooks and criteria {@code template} creates for {@code answers} on the owner with id {@code ownerId}
     * (0 for the company); a 400 naming the field whose answer does not fit.
     */
    public static Plan plan(Template template, Map<String, String> answers, long ownerId) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Field field : template.fields()) {
            values.put(
                    field.name(),
                    check(field, answers.getOrDefault(field.name(), "").strip()));
        }
        values.put("owner_id", Long.toString(ownerId));
        List<ObjectNode> webhooks = new ArrayList<>();
        for (JsonNode spec : template.webhooks()) {
            if (wanted(spec, values)) {
                webhooks.add((ObjectNode) fill(withoutIf(spec), values));
            }
        }
        List<PlannedCriterion> criteria = new ArrayList<>();
        for (JsonNode spec : template.criteria()) {
            if (wanted(spec, values)) {
                String owner = fillText(spec.path("owner").asText(), values);
                criteria.add(new PlannedCriterion(owner, (ObjectNode) fill(spec.path("body"), values)));
            }
        }
        return new Plan(webhooks, criteria);
    }

    private static boolean wanted(JsonNode spec, Map<String, String> values) {
        return !spec.has("if") || "true".equals(values.get(spec.path("if").asText()));
    }

    private static JsonNode withoutIf(JsonNode spec) {
        ObjectNode copy = spec.deepCopy();
        copy.remove("if");
        return copy;
    }

    /** Checks an answer for its field's type; returns it as it is put into templates. */
    static String check(Field field, String value) {
        if (value.isEmpty()) {
            if (field.required()) {
                throw new Problem.Invalid(field.name(), "is required");
            }
            return field.type().equals("checkbox") ? "false" : "";
        }
        return switch (field.type()) {
            case "url" -> {
                if (!value.matches("https?://[^\\s\"'<>\\\\{}|^`]+")) {
                    throw new Problem.Invalid(field.name(), "must be a URL starting with http:// or https://");
                }
                yield value;
            }
            case "base_url" -> baseUrl(field, value);
            case "key" -> {
                if (!value.matches("[A-Za-z0-9_.\\-]{1,200}")) {
                    throw new Problem.Invalid(field.name(), "may hold only letters, digits, '_', '.' and '-'");
                }
                yield value;
            }
            case "percent" -> {
                if (!value.matches("[0-9]{1,4}(\\.[0-9]{1,6})?")
                        || new BigDecimal(value).compareTo(BigDecimal.valueOf(1000)) > 0) {
                    throw new Problem.Invalid(field.name(), "must be a number from 0 to 1000 (70 is 70%)");
                }
                yield value;
            }
            case "checkbox" -> value.equals("true") ? "true" : "false";
            case "trigger" -> {
                if (Trigger.fromWord(value).isEmpty()) {
                    throw new Problem.Invalid(field.name(), "is not a webhook trigger");
                }
                yield value;
            }
            case "campaign", "buyer", "publisher", "text" -> {
                if (!value.matches("[A-Za-z0-9 _.:@\\-]{1,200}")) {
                    throw new Problem.Invalid(field.name(), "may hold only letters, digits, spaces and _ . : @ -");
                }
                yield value;
            }
            default -> throw new IllegalStateException("configurator field type " + field.type() + " is unknown");
        };
    }

    /** A tracking domain ({@code track.example.com}) or base URL, as {@code https://host[:port]} without a slash. */
    private static String baseUrl(Field field, String value) {
        String scheme = "https://";
        String rest = value;
        if (value.startsWith("http://") || value.startsWith("https://")) {
            scheme = value.substring(0, value.indexOf("://") + 3);
            rest = value.substring(scheme.length());
        }
        while (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (!HOST.matcher(rest).matches()) {
            throw new Problem.Invalid(
                    field.name(), "must be a domain such as track.example.com (or its https:// address)");
        }
        return scheme + rest;
    }

    private static JsonNode fill(JsonNode node, Map<String, String> values) {
        if (node.isTextual()) {
            return TextNode.valueOf(fillText(node.asText(), values));
        }
        if (node.isArray()) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            for (JsonNode element : node) {
                if (element.isTextual() && allBlank(element.asText(), values)) {
                    continue;
                }
                out.add(fill(element, values));
            }
            return out;
        }
        if (node.isObject()) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            node.properties().forEach(e -> {
                if (e.getValue().isTextual() && allBlank(e.getValue().asText(), values)) {
                    return;
                }
                out.set(e.getKey(), fill(e.getValue(), values));
            });
            return out;
        }
        return node.deepCopy();
    }

    /** Whether the text has placeholders and every one of them is blank (the element or field is left out). */
    private static boolean allBlank(String text, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        boolean any = false;
        while (m.find()) {
            any = true;
            if (!values.getOrDefault(m.group(1), "").isEmpty()) {
                return false;
            }
        }
        return any;
    }

    static String fillText(String text, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            if (!values.containsKey(name)) {
                throw new IllegalStateException("configurator template uses {{" + name + "}}, which it does not ask");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(values.get(name)));
        }
        m.appendTail(out);
        return out.toString();
    }

    static Template parse(String file, ObjectNode json) {
        List<Field> fields = new ArrayList<>();
        json.path("fields")
                .forEach(f -> fields.add(new Field(
                        f.path("name").asText(),
                        f.path("label").asText(),
                        f.path("type").asText("text"),
                        f.path("required").asBoolean(false),
                        f.path("placeholder").asText(""),
                        f.path("help").asText(""),
                        f.path("default").asText(""))));
        List<String> owners = new ArrayList<>();
        json.path("owners").forEach(o -> owners.add(o.asText()));
        if (!json.path("id").isTextual() || owners.isEmpty()) {
            throw new IllegalStateException("configurator template " + file + " needs an id and owners");
        }
        return new Template(
                json.path("id").asText(),
                json.path("name").asText(),
                json.path("summary").asText(),
                List.copyOf(owners),
                List.copyOf(fields),
                json.has("webhooks") ? (ArrayNode) json.get("webhooks") : Json.MAPPER.createArrayNode(),
                json.has("criteria") ? (ArrayNode) json.get("criteria") : Json.MAPPER.createArrayNode());
    }

    /** File name to content of every {@code /configurator/*.json} on the class path (in a jar or a directory). */
    private static Map<String, String> files() {
        var url = Configurator.class.getResource("/configurator");
        if (url == null) {
            return Map.of();
        }
        try {
            if (url.getProtocol().equals("jar")) {
                // the jar's own entries (a JarFile shares the class loader's reading of the jar's directory): a zip
                // file system would read and index all of the jar's 24,000 entries again, at every start
                var jarUrl = ((JarURLConnection) url.openConnection()).getJarFileURL();
                try (JarFile jar = new JarFile(Path.of(jarUrl.toURI()).toFile())) {
                    return read(jar);
                }
            }
            return read(Path.of(url.toURI()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code .json} files directly in the jar's {@code configurator} folder, by file name. */
    static Map<String, String> read(JarFile jar) throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (JarEntry entry : jar.stream().toList()) {
            String name = entry.getName();
            String fileName = name.startsWith(FOLDER) ? name.substring(FOLDER.length()) : "";
            if (!entry.isDirectory() && fileName.endsWith(".json") && !fileName.contains("/")) {
                try (InputStream in = jar.getInputStream(entry)) {
                    out.put(fileName, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static Map<String, String> read(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .toList()) {
                out.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        return out;
    }
}
