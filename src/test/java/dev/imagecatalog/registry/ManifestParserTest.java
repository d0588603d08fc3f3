package dev.imagecatalog.registry;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Manifest and config parsing and classification, on literal documents shaped like the specifications' examples. */
class ManifestParserTest {

    private static final String D1 = "sha256:" + "1".repeat(64);
    private static final String D2 = "sha256:" + "2".repeat(64);
    private static final String D3 = "sha256:" + "3".repeat(64);

    @Test
    void parse_ociImage_sizeIsConfigPlusLayers() {
        Manifest m = ManifestParser.parse(bytes("""
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":1469},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":3370706},
                           {"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":100}]}
                """.formatted(D1, D2, D3)), "application/vnd.oci.image.manifest.v1+json", "sha256:m");

        assertThat(m).isInstanceOfSatisfying(Manifest.Image.class, image -> {
            assertThat(image.size()).isEqualTo(1469 + 3370706 + 100);
            assertThat(image.layers()).extracting(Layer::digest).containsExactly(D2, D3);
            assertThat(image.config().digest()).isEqualTo(D1);
        });
        assertThat(ManifestParser.classify("v1", m)).isEqualTo(ArtifactKind.IMAGE);
    }

    @Test
    void parse_index_attestationAndUnknownEntriesAreNotPlatforms_butAreKeptAsOtherEntries() {
        byte[] body = bytes("""
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
                 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":1,
                  "platform":{"architecture":"amd64","os":"linux"}},
                 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":1,
                  "platform":{"architecture":"arm64","os":"linux","variant":"v8"}},
                 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":1,
                  "platform":{"architecture":"unknown","os":"unknown"},
                  "annotations":{"vnd.docker.reference.digest":"%s","vnd.docker.reference.type":"attestation-manifest"}}]}
                """.formatted(D1, D2, D3, D1));
        Manifest m = ManifestParser.parse(body, "application/vnd.oci.image.index.v1+json", "sha256:i");

        assertThat(m).isInstanceOfSatisfying(Manifest.Index.class, index -> {
            assertThat(index.entries()).hasSize(3);
            assertThat(index.platformEntries()).extracting(e -> e.platform().toString())
                    .containsExactly("linux/amd64", "linux/arm64/v8");
            // stored in the registry all the same: storage reads them
            assertThat(index.otherEntries()).extracting(e -> e.descriptor().digest()).containsExactly(D3);
        });
        // the manifest's own bytes, which garbage collection frees with it
        assertThat(m.bytes()).isEqualTo(body.length);
        assertThat(ManifestParser.classify("2.0", m)).isEqualTo(ArtifactKind.INDEX);
    }

    @Test
    void indexEntry_attestationAnnotationAlone_isNotAPlatform() {
        var entry = new Manifest.IndexEntry(new Descriptor("x", D1, 1), new Platform("linux", "amd64", null),
                java.util.Map.of("vnd.docker.reference.type", "attestation-manifest"));
        assertThat(entry.isPlatform()).isFalse();
    }

    @Test
    void parse_dockerListServedAsGenericJson_isRecognisedByItsShape() {
        Manifest m = ManifestParser.parse(bytes("""
                {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",
                 "manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"%s",
                 "size":5,"platform":{"architecture":"arm","os":"linux","variant":"v7"}}]}
                """.formatted(D1)), "application/json", "sha256:l");

        assertThat(m.mediaType()).isEqualTo(MediaTypes.DOCKER_LIST);
        assertThat(((Manifest.Index) m).platformEntries().getFirst().platform())
                .isEqualTo(new Platform("linux", "arm", "v7"));
    }

    @Test
    void parse_schema1_isRecognisedAndClassifiedUnsupported() {
        Manifest m = ManifestParser.parse(bytes("""
                {"schemaVersion":1,"name":"old/app","tag":"1","architecture":"amd64",
                 "fsLayers":[{"blobSum":"%s"}],"history":[{"v1Compatibility":"{}"}],
                 "signatures":[{"header":{"alg":"ES256"},"signature":"x","protected":"y"}]}
                """.formatted(D1)), "application/vnd.docker.distribution.manifest.v1+prettyjws", "sha256:s");

        assertThat(m).isInstanceOfSatisfying(Manifest.Schema1.class,
                s -> assertThat(s.architecture()).isEqualTo("amd64"));
        assertThat(ManifestParser.classify("1", m)).isEqualTo(ArtifactKind.SCHEMA1);
        assertThat(ManifestParser.classify("1", m).runnable()).isFalse();
    }

    @Test
    void classify_helmChartByConfigMediaType() {
        assertThat(ManifestParser.classify("0.1.0", image("application/vnd.cncf.helm.config.v1+json", null)))
                .isEqualTo(ArtifactKind.HELM_CHART);
    }

    @Test
    void classify_ociArtifacts_byArtifactTypeEmptyConfigOrForeignConfig() {
        assertThat(ManifestParser.classify("a", image(MediaTypes.OCI_CONFIG, "application/spdx+json")))
                .isEqualTo(ArtifactKind.ARTIFACT);
        assertThat(ManifestParser.classify("b", image("application/vnd.oci.empty.v1+json", null)))
                .isEqualTo(ArtifactKind.ARTIFACT);
        assertThat(ManifestParser.classify("c", image("application/vnd.unknown.config.v1+json", null)))
                .isEqualTo(ArtifactKind.ARTIFACT);
        assertThat(ManifestParser.classify("d", image(MediaTypes.DOCKER_CONFIG, null)))
                .isEqualTo(ArtifactKind.IMAGE);
    }

    @Test
    void classify_cosignTags_areSignaturesWhateverTheManifest() {
        Manifest m = image(MediaTypes.OCI_CONFIG, null);
        String hex = "a".repeat(64);
        assertThat(ManifestParser.classify("sha256-" + hex + ".sig", m)).isEqualTo(ArtifactKind.SIGNATURE);
        assertThat(ManifestParser.classify("sha256-" + hex + ".att", m)).isEqualTo(ArtifactKind.SIGNATURE);
        assertThat(ManifestParser.classify("sha256-" + hex + ".sbom", m)).isEqualTo(ArtifactKind.SIGNATURE);
        assertThat(ManifestParser.classify("sha256-" + hex + ".txt", m)).isEqualTo(ArtifactKind.IMAGE);
    }

    @Test
    void parseConfig_readsCreatedPlatformLabelsAndHistory() {
        ImageConfig c = ManifestParser.parseConfig(bytes("""
                {"created":"2024-05-06T07:08:09.123456789+02:00","architecture":"arm64","os":"linux","variant":"v8",
                 "config":{"Labels":{"a":"1","b":"<b>"}},
                 "history":[{"created":"2024-05-06T05:00:00Z","created_by":"ADD x"},
                            {"created_by":"ENV A=1","empty_layer":true,"comment":"c"}]}
                """), "sha256:c");

        assertThat(c.created()).isEqualTo(Instant.parse("2024-05-06T05:08:09.123456789Z"));
        assertThat(c.platform()).isEqualTo(new Platform("linux", "arm64", "v8"));
        assertThat(c.labels()).containsEntry("a", "1").containsEntry("b", "<b>");
        assertThat(c.history()).containsExactly(
                new HistoryEntry(Instant.parse("2024-05-06T05:00:00Z"), "ADD x", null, false),
                new HistoryEntry(null, "ENV A=1", "c", true));
    }

    @Test
    void parseConfig_readsWhatTheImageRunsByDefault() {
        ImageConfig c = ManifestParser.parseConfig(bytes("""
                {"architecture":"amd64","os":"linux","config":{
                  "Entrypoint":["/docker-entrypoint.sh"],"Cmd":["nginx","-g","daemon off;"],
                  "Env":["PATH=/usr/local/bin:/usr/bin","NGINX_VERSION=1.27.0","EMPTY="],
                  "ExposedPorts":{"80/tcp":{},"443/tcp":{}},"User":"101:101","WorkingDir":"/srv",
                  "StopSignal":"SIGQUIT"}}
                """), D1);

        RunDefaults d = c.defaults();
        assertThat(d.entrypoint()).containsExactly("/docker-entrypoint.sh");
        assertThat(d.cmd()).containsExactly("nginx", "-g", "daemon off;");
        assertThat(d.envMap()).containsExactly(java.util.Map.entry("PATH", "/usr/local/bin:/usr/bin"),
                java.util.Map.entry("NGINX_VERSION", "1.27.0"), java.util.Map.entry("EMPTY", ""));
        assertThat(d.exposedPorts()).containsExactly("443/tcp", "80/tcp");
        assertThat(d.user()).isEqualTo("101:101");
        assertThat(d.workingDir()).isEqualTo("/srv");
        assertThat(d.stopSignal()).isEqualTo("SIGQUIT");
    }

    @Test
    void parseConfig_runDefaults_absentNullOrAStringCmd_areTolerated() {
        assertThat(ManifestParser.parseConfig(bytes("{\"os\":\"linux\"}"), D1).defaults()).isEqualTo(RunDefaults.NONE);
        RunDefaults d = ManifestParser.parseConfig(bytes("""
                {"config":{"Entrypoint":null,"Cmd":"echo hi","User":"","WorkingDir":null}}
                """), D1).defaults();
        assertThat(d.entrypoint()).isEmpty();
        assertThat(d.cmd()).containsExactly("echo hi");
        assertThat(d.user()).isNull();
        assertThat(d.workingDir()).isNull();
    }

    @Test
    void parseConfig_minimalAndOddDates_areTolerated() {
        ImageConfig c = ManifestParser.parseConfig(bytes("{\"created\":\"yesterday\",\"config\":{\"Labels\":null}}"),
                "sha256:c");
        assertThat(c.created()).isNull();
        assertThat(c.labels()).isEmpty();
        assertThat(c.history()).isEmpty();
    }

    @Test
    void parse_notJson_isBadResponse() {
        assertThatThrownBy(() -> ManifestParser.parse(bytes("<html>"), "text/html", "sha256:x"))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.BAD_RESPONSE));
    }

    @Test
    void parse_hostileShapes_areBadResponsesOrToleratedNeverUncheckedExceptions() {
        String oci = "\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\"";
        String[] refused = {
            "{" + oci + ",\"config\":\"not an object\",\"layers\":[]}",
            "{" + oci + ",\"config\":{\"digest\":\"not-a-digest/../../x\",\"size\":1},\"layers\":[]}",
            "{" + oci + ",\"config\":{\"digest\":\"" + D1 + "\",\"size\":-5},\"layers\":[]}",
            "{" + oci + ",\"config\":{\"digest\":\"" + D1 + "\"},\"layers\":[{\"digest\":\"sha256:ABC\"}]}",
            "{" + oci + ",\"config\":{\"digest\":\"" + D1 + "\"},\"layers\":[\"x\", 5]}",
            "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"sha512:short\"}]}",
            "{\"schemaVersion\":2,\"manifests\":[7]}",
            "[" .repeat(100_000),
            "\"just a string\"",
            "",
        };
        for (String body : refused) {
            assertThatThrownBy(() -> ManifestParser.parse(bytes(body), null, "sha256:x"))
                    .as(body.length() > 80 ? body.substring(0, 80) : body)
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.BAD_RESPONSE));
        }
        // odd but harmless values are tolerated: wrong types read as absent
        Manifest tolerated = ManifestParser.parse(bytes("{\"schemaVersion\":2,\"manifests\":\"x\","
                + "\"annotations\":[1,2]}"), null, "sha256:x");
        assertThat(tolerated).isInstanceOf(Manifest.Index.class);
        ImageConfig config = ManifestParser.parseConfig(bytes("{\"created\":\"+999999999-12-31T23:59:59Z\","
                + "\"history\":[\"x\",{\"created\":5}],\"config\":{\"Labels\":\"x\"}}"), D1);
        assertThat(config.labels()).isEmpty();
    }

    private static Manifest image(String configType, String artifactType) {
        return new Manifest.Image("sha256:x", MediaTypes.OCI_MANIFEST, new Descriptor(configType, D1, 2),
                java.util.List.of(), artifactType, java.util.Map.of(), 0);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parseChartConfig_readsNameVersionAppVersionDescription_cutsLongText_andRefusesNonJson() {
        String long600 = "d".repeat(600);
        ChartConfig chart = ManifestParser.parseChartConfig(("{\"apiVersion\":\"v2\",\"name\":\"demo\","
                + "\"version\":\"0.3.1\",\"appVersion\":\"2.4.0\",\"description\":\"" + long600 + "\"}")
                .getBytes(StandardCharsets.UTF_8), "sha256:c");
        assertThat(chart.name()).isEqualTo("demo");
        assertThat(chart.version()).isEqualTo("0.3.1");
        assertThat(chart.appVersion()).isEqualTo("2.4.0");
        assertThat(chart.description()).hasSize(ChartConfig.MAX_TEXT + 1).endsWith("…");
        assertThat(ManifestParser.parseChartConfig("{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8), "sha256:c"))
                .isEqualTo(new ChartConfig("x", null, null, null));
        assertThatThrownBy(() -> ManifestParser.parseChartConfig("not json".getBytes(StandardCharsets.UTF_8), "sha256:c"))
                .isInstanceOf(RegistryException.class);
    }
}
