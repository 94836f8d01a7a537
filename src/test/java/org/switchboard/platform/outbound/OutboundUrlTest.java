package org.switchboard.platform.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one test of a URL Switchboard may request ({@link OutboundHttp#isHttpUrl}), and the words of its refusal. */
class OutboundUrlTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "https://hooks.example.com/ping?x=1 | ",
                "http://127.0.0.1:8080/ | ",
                "http://[::1]:65535/ | ",
                "http://127.0.0.1:99999/ | has port 99999",
                "http://[::]:122677/ | has port 122677",
                "http://127.0.0.1:0/ | has port 0",
                "http://127.0.0.1:99999999999/ | needs a host",
                "http://user@hooks.example.com/ | must not hold a user name",
                "https://user:secret@hooks.example.com/ | must not hold a user name",
                "ftp://hooks.example.com/ | must be an http:// or https:// URL",
                "http:///no-host | needs a host",
                "http://bad_host.example.com/ | needs a host"
            })
    void urlsShouldBeRequestableOnlyWithAHostAPortInRangeAndNoUserInfo(String url, String problem) {
        URI uri = URI.create(url);

        assertThat(OutboundHttp.isHttpUrl(uri)).as(url).isEqualTo(problem == null);
        if (problem != null) {
            assertThat(OutboundHttp.httpUrlProblem(uri))
                    .as(url)
                    .hasValueSatisfying(why -> assertThat(why).contains(problem));
        }
    }
}
