package org.switchboard.platform.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which addresses outbound requests may connect to. Refused unless allowed by an operator range: loopback, private
 * (10/8, 172.16/12, 192.168/16), carrier-grade NAT (100.64/10), link-local (169.254/16, which holds cloud metadata
 * at 169.254.169.254), "this network" (0/8), multicast, IPv6 unique-local (fc00::/7) and link-local, and IPv4
 * addresses embedded in IPv6. Pure.
 */
public final class AddressPolicy {
    private final List<Cidr> allowed;

    /** A network in CIDR notation. */
    record Cidr(byte[] network, int prefix) {
        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (bytes[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (bytes[full] & mask) == (network[full] & mask);
        }
    }

    private AddressPolicy(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** Public addresses only. */
    public static AddressPolicy publicOnly() {
        return new AddressPolicy(List.of());
    }

    /** Public addresses plus the given CIDR ranges ({@code 127.0.0.0/8}, {@code 10.1.0.0/16}, {@code ::1/128}). */
    public static AddressPolicy allowing(List<String> cidrs) {
        List<Cidr> parsed = new ArrayList<>();
        for (String cidr : cidrs) {
            parsed.add(parse(cidr));
        }
        return new AddressPolicy(parsed);
    }

    static Cidr parse(String cidr) {
        String text = cidr.strip();
        int slash = text.indexOf('/');
        try {
            InetAddress network = InetAddress.ofLiteral(slash < 0 ? text : text.substring(0, slash));
            int bits = network.getAddress().length * 8;
            int prefix = slash < 0 ? bits : Integer.parseInt(text.substring(slash + 1));
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("prefix out of range in " + cidr);
            }
            return new Cidr(network.getAddress(), prefix);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + cidr + "' is not a CIDR range such as 10.0.0.0/8", e);
        }
    }

    /** Whether a connection to {@code address} is allowed. */
    public boolean allows(InetAddress address) {
        for (Cidr cidr : allowed) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return !isInternal(address);
    }

    static boolean isInternal(InetAddress address) {
        if (address.isLoopbackAddress()
                || address.isAnyLocalAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || (first == 100 && second >= 64 && second < 128) || first >= 240;
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return true; // unique local fc00::/7
            }
            boolean mapped = true; // ::ffff:a.b.c.d and ::a.b.c.d carry an IPv4 address
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0))) {
                try {
                    return isInternal(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }
}
