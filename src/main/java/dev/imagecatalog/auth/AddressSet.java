package dev.imagecatalog.auth;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Source addresses the catalog trusts to speak for someone else (an authenticating proxy, a TLS-terminating
 * ingress): single addresses or CIDR blocks, IPv4 or IPv6, e.g. {@code 10.0.0.0/8, 127.0.0.1, fd00::/8}.
 * Only literal addresses are accepted: a host name would make trust depend on DNS.
 */
public final class AddressSet {

    private static final Pattern LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final AddressSet NONE = new AddressSet(List.of());

    private final List<Block> blocks;

    private AddressSet(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /** Trusts nobody. */
    public static AddressSet none() {
        return NONE;
    }

    /**
     * Parses entries such as {@code 10.0.0.0/8} or {@code 127.0.0.1}.
     *
     * @throws IllegalArgumentException for an entry that is not a literal address or block
     */
    public static AddressSet parse(List<String> entries) {
        List<Block> blocks = new ArrayList<>();
        for (String raw : entries) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            if (!LITERAL.matcher(address).matches()) {
                throw new IllegalArgumentException("trusted address \"" + entry + "\" is not an IP address or CIDR block");
            }
            byte[] bytes;
            try {
                bytes = InetAddress.getByName(address).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("trusted address \"" + entry + "\" is not an IP address", e);
            }
            int bits = bytes.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("trusted address \"" + entry + "\" has an invalid prefix length");
                }
            }
            blocks.add(new Block(bytes, prefix));
        }
        return new AddressSet(blocks);
    }

    /** Whether the address lies in one of the blocks. */
    public boolean contains(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] bytes = address.getAddress();
        return blocks.stream().anyMatch(b -> b.contains(bytes));
    }

    /** Whether nothing is trusted. */
    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    private record Block(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int shift = network.length * 8 - prefix;
            BigInteger a = new BigInteger(1, address).shiftRight(shift);
            BigInteger n = new BigInteger(1, network).shiftRight(shift);
            return a.equals(n);
        }
    }
}
