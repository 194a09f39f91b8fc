package io.github.deltaimage.transport.registry.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docker CLI's lookup order, on real config files and a real helper program. */
class CredentialResolverTest {
  @TempDir Path tmp;

  private Path config(String json) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("docker"));
    Files.writeString(dir.resolve("config.json"), json);
    return dir;
  }

  /** A docker-credential-NAME script that knows one server and logs what it was asked. */
  private Path helper(String name, String server, String user, String secret) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path script = bin.resolve("docker-credential-" + name);
    Files.writeString(script, "#!/bin/sh\nread server\necho \"$server\" >> " + tmp.resolve(name + ".log") + "\n"
        + "if [ \"$server\" = \"" + server + "\" ]; then printf '{\"ServerURL\":\"%s\",\"Username\":\"" + user + "\",\"Secret\":\"" + secret + "\"}' \"$server\"; "
        + "else echo 'credentials not found in native keychain'; exit 1; fi\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anExplicitCredentialWinsAndIsTheOnlySourceTried() throws Exception {
    Path dir = config("{\"auths\":{\"reg.example\":{\"auth\":\"" + b64("file:pw") + "\"}}}");
    CredentialResolver r = new CredentialResolver(new Credentials("cli", "pw", false, "--src-creds"), Map.of("DOCKER_CONFIG", dir.toString()), tmp);
    CredentialResolver.Lookup l = r.lookup("reg.example");
    assertThat(l.credentials()).get().extracting(Credentials::username).isEqualTo("cli");
    assertThat(l.tried()).containsExactly("--src-creds");
  }

  @Test
  void authsEntriesAreFoundUnderHostOrUrlKeys() throws Exception {
    Path dir = config("{\"auths\":{\"https://reg.example:5000/v1/\":{\"auth\":\"" + b64("alice:pa:ss") + "\"}}}");
    CredentialResolver.Lookup l = new CredentialResolver(null, Map.of("DOCKER_CONFIG", dir.toString()), tmp).lookup("reg.example:5000");
    assertThat(l.credentials()).get().satisfies(c -> {
      assertThat(c.username()).isEqualTo("alice");
      assertThat(c.secret()).isEqualTo("pa:ss");
      assertThat(c.toString()).doesNotContain("pa:ss");
    });
  }

  @Test
  void aCredHelperForTheHostComesBeforeTheStoreAndAuths() throws Exception {
    Path bin = helper("hosthelper", "reg.example", "fromhelper", "s1");
    helper("store", "reg.example", "fromstore", "s2");
    Path dir = config("{\"credHelpers\":{\"reg.example\":\"hosthelper\"},\"credsStore\":\"store\",\"auths\":{\"reg.example\":{\"auth\":\"" + b64("fromauths:x") + "\"}}}");
    CredentialResolver.Lookup l = new CredentialResolver(null, Map.of("DOCKER_CONFIG", dir.toString(), "PATH", bin.toString()), tmp).lookup("reg.example");
    assertThat(l.credentials()).get().extracting(Credentials::username).isEqualTo("fromhelper");
    assertThat(Files.readString(tmp.resolve("hosthelper.log"))).isEqualTo("reg.example\n");
  }

  @Test
  void theStoreIsAskedWhenNoHelperIsNamedAndItsMissFallsBackToAuths() throws Exception {
    Path bin = helper("store", "other.example", "fromstore", "s2");
    Path dir = config("{\"credsStore\":\"store\",\"auths\":{\"reg.example\":{\"auth\":\"" + b64("fromauths:x") + "\"}}}");
    CredentialResolver.Lookup l = new CredentialResolver(null, Map.of("DOCKER_CONFIG", dir.toString(), "PATH", bin.toString()), tmp).lookup("reg.example");
    assertThat(l.credentials()).get().extracting(Credentials::username).isEqualTo("fromauths");
    assertThat(l.tried()).anySatisfy(t -> assertThat(t).contains("credsStore (docker-credential-store)")).anySatisfy(t -> assertThat(t).endsWith("auths"));
    CredentialResolver.Lookup other = new CredentialResolver(null, Map.of("DOCKER_CONFIG", dir.toString(), "PATH", bin.toString()), tmp).lookup("other.example");
    assertThat(other.credentials()).get().extracting(Credentials::username).isEqualTo("fromstore");
  }

  @Test
  void withoutDockerConfigTheHomeFileIsUsedAndItsAbsenceIsReported() {
    CredentialResolver.Lookup l = new CredentialResolver(null, Map.of(), tmp).lookup("reg.example");
    assertThat(l.credentials()).isEmpty();
    assertThat(l.tried()).containsExactly(tmp.resolve(".docker/config.json") + " (not present)");
  }
}
