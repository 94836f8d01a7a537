package org.switchboard.platform.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressPolicyTest {

    @ParameterizedTest(name = "{0} allowed={1}")
    @CsvSource({
        "93.184.216.34, true",
        "8.8.8.8, true",
        "2606:4700:4700::1111, true",
        "127.0.0.1, false",
        "127.10.0.1, false",
        "10.1.2.3, false",
        "172.16.0.1, false",
        "172.31.255.255, false",
        "172.32.0.1, true",
        "192.168.1.1, false",
        "169.254.169.254, false",
        "100.64.0.1, false",
        "0.0.0.0, false",
        "224.0.0.1, false",
        "::1, false",
        "fe80::1, false",
        "fd12:3456::1, false",
        "::ffff:127.0.0.1, false",
        "::ffff:10.0.0.1, false",
        "::ffff:93.184.216.34, true"
    })
    void internalAddressesShouldBeRefusedByDefault(String address, boolean allowed) {
        assertThat(AddressPolicy.publicOnly().allows(InetAddress.ofLiteral(address)))
                .isEqualTo(allowed);
    }

    @ParameterizedTest(name = "{0} allowed by 127.0.0.0/8, 10.1.0.0/16: {1}")
    @CsvSource({"127.0.0.1, true", "10.1.200.7, true", "10.2.0.1, false", "192.168.0.1, false", "8.8.8.8, true"})
    void operatorRangesShouldBeAllowed(String address, boolean allowed) {
        AddressPolicy policy = AddressPolicy.allowing(List.of("127.0.0.0/8", "10.1.0.0/16"));
        assertThat(policy.allows(InetAddress.ofLiteral(address))).isEqualTo(allowed);
    }
}
