package dev.imagecatalog.auth;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressSetTest {

    @Test
    void contains_addressesInsideTheBlocksOnly() throws Exception {
        AddressSet set = AddressSet.parse(List.of("10.0.0.0/8", " 192.168.1.7 ", "fd00::/8", ""));

        assertThat(set.contains(InetAddress.getByName("10.255.1.2"))).isTrue();
        assertThat(set.contains(InetAddress.getByName("11.0.0.1"))).isFalse();
        assertThat(set.contains(InetAddress.getByName("192.168.1.7"))).isTrue();
        assertThat(set.contains(InetAddress.getByName("192.168.1.8"))).isFalse();
        assertThat(set.contains(InetAddress.getByName("fd12::1"))).isTrue();
        assertThat(set.contains(InetAddress.getByName("fe80::1"))).isFalse();
        assertThat(set.contains(null)).isFalse();
        assertThat(AddressSet.none().contains(InetAddress.getByName("127.0.0.1"))).isFalse();
        assertThat(AddressSet.parse(List.of("0.0.0.0/0")).contains(InetAddress.getByName("8.8.8.8"))).isTrue();
    }

    @Test
    void parse_refusesHostNamesAndBadPrefixes() {
        assertThatThrownBy(() -> AddressSet.parse(List.of("proxy.example"))).hasMessageContaining("proxy.example");
        assertThatThrownBy(() -> AddressSet.parse(List.of("10.0.0.0/33"))).hasMessageContaining("prefix");
        assertThatThrownBy(() -> AddressSet.parse(List.of("10.0.0.0/x"))).hasMessageContaining("prefix");
    }

    @Test
    void authSettings_proxyModeWithoutTrustedAddresses_isRefused() {
        assertThatThrownBy(() -> new AuthSettings(AuthMode.PROXY, false, null, null, AddressSet.none(), null, null,
                List.of())).hasMessageContaining("auth.proxy.trusted-addresses");
        assertThatThrownBy(() -> AuthMode.parse("ldap")).hasMessageContaining("kubernetes, proxy or none");
        assertThat(AuthMode.parse(" Kubernetes ")).isEqualTo(AuthMode.KUBERNETES);
    }
}
