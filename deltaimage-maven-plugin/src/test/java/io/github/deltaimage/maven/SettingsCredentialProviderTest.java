package io.github.deltaimage.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.deltaimage.api.InvalidInputException;
import io.github.deltaimage.transport.registry.credentials.CredentialProvider;
import io.github.deltaimage.transport.registry.credentials.Credentials;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.apache.maven.settings.Server;
import org.junit.jupiter.api.Test;

class SettingsCredentialProviderTest {

  private final List<String> logged = new ArrayList<>();
  private final SystemStreamLog log = new SystemStreamLog() {
    @Override
    public void info(CharSequence content) {
      logged.add(content.toString());
    }
  };

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

  private SettingsCredentialProvider provider(CredentialProvider docker, Server... servers) {
    return new SettingsCredentialProvider(
        List.of(servers), SettingsCredentialProviderTest::decrypt, docker, log);
  }

  @Test
  void serverWithThePortComesFirst() {
    SettingsCredentialProvider p = provider(
        CredentialProvider.NONE,
        server("r.example", "bare", "x"),
        server("r.example:5000", "ported", "x"));

    assertThat(p.find("r.example:5000")).map(Credentials::username).contains("ported");
  }

  @Test
  void serverWithoutThePortMatchesToo() {
    SettingsCredentialProvider p =
        provider(CredentialProvider.NONE, server("r.example", "bare", "{enc}"));

    Optional<Credentials> found = p.find("r.example:5000");

    assertThat(found).map(Credentials::username).contains("bare");
    assertThat(found).map(Credentials::secret).contains("plain");
    assertThat(found).map(Credentials::source).contains("settings.xml <server> 'r.example'");
  }

  @Test
  void logNamesTheSourceNeverTheSecret() {
    provider(CredentialProvider.NONE, server("r.example:5000", "ci", "s3cret"))
        .find("r.example:5000");

    assertThat(logged)
        .singleElement()
        .asString()
        .contains("settings.xml <server> 'r.example:5000'")
        .doesNotContain("s3cret");
  }

  @Test
  void dockerConfigAnswersWhenNoServerMatches() {
    Credentials docker = new Credentials("d", "x", false, "/root/.docker/config.json auths");
    SettingsCredentialProvider p =
        provider(h -> Optional.of(docker), server("other:5000", "u", "x"));

    assertThat(p.find("r.example:5000")).contains(docker);
    assertThat(logged)
        .singleElement()
        .asString()
        .contains("using user 'd' from /root/.docker/config.json auths");
  }

  @Test
  void eachHostIsLookedUpOnce() {
    int[] asked = {0};
    SettingsCredentialProvider p = provider(h -> {
      asked[0]++;
      return Optional.empty();
    });
    p.find("r:1");
    p.find("r:1");

    assertThat(asked[0]).isEqualTo(1);
    assertThat(logged).hasSize(1);
  }

  @Test
  void serverWithoutPasswordIsTheUsersMistake() {
    assertThatThrownBy(
            () -> provider(CredentialProvider.NONE, server("r:1", "u", null)).find("r:1"))
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
