package io.github.deltaimage.transport.registry.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.api.CredentialProvider;
import io.github.deltaimage.api.Credentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialProviderOrderTest {

  @TempDir
  Path home;

  private void dockerConfigWith(String host, String user, String password) throws Exception {
    Path dir = Files.createDirectories(home.resolve(".docker"));
    String auth = Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    Files.writeString(
        dir.resolve("config.json"), "{\"auths\":{\"" + host + "\":{\"auth\":\"" + auth + "\"}}}");
  }

  private static CredentialProvider providing(String host, String user) {
    return h -> h.equals(host)
        ? Optional.of(new Credentials(user, "p", false, "the provider"))
        : Optional.empty();
  }

  @Test
  void explicitComesBeforeTheProvider() {
    Credentials explicit = new Credentials("explicit", "s", false, "--src-creds");
    CredentialResolver resolver =
        new CredentialResolver(explicit, providing("r:5000", "provided"), Map.of(), home);

    assertThat(resolver.lookup("r:5000").credentials()).contains(explicit);
  }

  @Test
  void providerComesBeforeTheDockerConfig() throws Exception {
    dockerConfigWith("r:5000", "docker", "d");
    CredentialResolver resolver =
        new CredentialResolver(null, providing("r:5000", "provided"), Map.of(), home);

    CredentialResolver.Lookup lookup = resolver.lookup("r:5000");

    assertThat(lookup.credentials()).map(Credentials::username).contains("provided");
    assertThat(lookup.tried()).containsExactly("the provider");
  }

  @Test
  void dockerConfigAnswersWhenTheProviderKnowsNothing() throws Exception {
    dockerConfigWith("r:5000", "docker", "d");
    CredentialResolver resolver =
        new CredentialResolver(null, providing("other:1", "provided"), Map.of(), home);

    assertThat(resolver.lookup("r:5000").credentials())
        .map(Credentials::username)
        .contains("docker");
  }
}
