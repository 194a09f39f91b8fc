package io.github.deltaimage.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.Credentials;
import io.github.deltaimage.api.InvalidInputException;
import java.util.List;
import java.util.Optional;
import org.apache.maven.settings.Server;
import org.junit.jupiter.api.Test;

class SettingsCredentialProviderTest {

  private static Server server(String id, String user, String password) {
    Server s = new Server();
    s.setId(id);
    s.setUsername(user);
    s.setPassword(password);
    return s;
  }

  /** Stands in for Maven's decrypter: "{enc}" passwords come out as "plain". */
  private static Server decrypt(Server s) {
    Server out = s.clone();
    if (s.getPassword() != null && s.getPassword().startsWith("{")) {
      out.setPassword("plain");
    }
    return out;
  }

  private SettingsCredentialProvider provider(Server... servers) {
    return new SettingsCredentialProvider(
        List.of(servers), SettingsCredentialProviderTest::decrypt);
  }

  @Test
  void serverWithThePortComesFirst() {
    SettingsCredentialProvider p =
        provider(server("r.example", "bare", "x"), server("r.example:5000", "ported", "x"));

    assertThat(p.find("r.example:5000")).map(Credentials::username).contains("ported");
  }

  @Test
  void serverWithoutThePortMatchesToo() {
    SettingsCredentialProvider p = provider(server("r.example", "bare", "{enc}"));

    Optional<Credentials> found = p.find("r.example:5000");

    assertThat(found).map(Credentials::username).contains("bare");
    assertThat(found).map(Credentials::secret).contains("plain");
    assertThat(found).map(Credentials::source).contains("settings.xml <server> 'r.example'");
  }

  @Test
  void noMatchingServerLeavesTheHostToTheDockerConfig() {
    assertThat(provider(server("other:5000", "u", "x")).find("r.example:5000")).isEmpty();
  }

  @Test
  void eachHostIsDecryptedOnce() {
    int[] decrypted = {0};
    SettingsCredentialProvider p =
        new SettingsCredentialProvider(List.of(server("r:1", "u", "{enc}")), s -> {
          decrypted[0]++;
          return decrypt(s);
        });
    p.find("r:1");
    p.find("r:1");

    assertThat(decrypted[0]).isEqualTo(1);
  }

  @Test
  void serverWithoutPasswordIsTheUsersMistake() {
    assertThatThrownBy(() -> provider(server("r:1", "u", null)).find("r:1"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("<password>");
  }

  @Test
  void portIsCutOffIpv6Too() {
    assertThat(SettingsCredentialProvider.withoutPort("[::1]:5000")).isEqualTo("[::1]");
    assertThat(SettingsCredentialProvider.withoutPort("[::1]")).isEqualTo("[::1]");
    assertThat(SettingsCredentialProvider.withoutPort("host")).isEqualTo("host");
  }
}
