package org.switchboard.telephony;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.switchboard.platform.http.Form;
import org.switchboard.platform.http.Http;
import org.switchboard.platform.problem.Problem;

/** A carrier callback: the URL the carrier called (as it signed it) and the posted form. */
record CarrierRequest(String url, Form form) {

    static CarrierRequest of(ServerRequest req, String publicBaseUrl) {
        String query = req.query().rawValue();
        String url = publicBaseUrl + req.path().rawPath() + (query == null || query.isEmpty() ? "" : "?" + query);
        return new CarrierRequest(url, Form.parse(Http.body(req)));
    }

    String required(String field) {
        return form.first(field)
                .filter(value -> !value.isBlank())
                .orElseThrow(() -> new Problem.Invalid(field, "is required"));
    }

    Optional<String> optional(String field) {
        return form.first(field).filter(value -> !value.isBlank());
    }

    Optional<Integer> seconds(String field) {
        return optional(field).flatMap(raw -> {
            try {
                int value = Integer.parseInt(raw.strip());
                return value >= 0 ? Optional.of(value) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    static String queryRequired(ServerRequest req, String name) {
        return Http.query(req, name).orElseThrow(() -> new Problem.Invalid(name, "is required"));
    }

    static int attempt(ServerRequest req) {
        return Http.intQuery(req, "attempt", 0, 1, 1000);
    }

    /** A handler answering a carrier callback with XML, run once the request's signature is checked. */
    interface XmlHandler {
        String handle(ServerRequest req, CarrierRequest carrier);
    }

    /**
     * Wraps {@code handler}: the request is read as the carrier signed it, refused with 403 unless {@code verified},
     * and the handler's XML sent back.
     */
    static Handler signed(
            Supplier<String> publicBaseUrl,
            BiPredicate<ServerRequest, CarrierRequest> verified,
            String what,
            XmlHandler handler) {
        return (req, res) -> {
            CarrierRequest carrier = of(req, publicBaseUrl.get());
            if (!verified.test(req, carrier)) {
                throw new Problem.Forbidden("the " + what + " header does not match this request");
            }
            xml(res, handler.handle(req, carrier));
        };
    }

    static @Nullable String header(ServerRequest req, String name) {
        return req.headers().first(HeaderNames.create(name)).orElse(null);
    }

    static void xml(ServerResponse res, String body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/xml; charset=utf-8");
        res.send(body);
    }
}
