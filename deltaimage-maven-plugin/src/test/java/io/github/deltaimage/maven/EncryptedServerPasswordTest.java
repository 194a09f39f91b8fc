package io.github.deltaimage.maven;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.deltaimage.api.Credentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.crypto.DefaultSettingsDecrypter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sonatype.plexus.components.cipher.DefaultPlexusCipher;
import org.sonatype.plexus.components.sec.dispatcher.DefaultSecDispatcher;

/** A password encrypted as {@code mvn --encrypt-password} does reaches core decrypted, through Maven's own decrypter. */
class EncryptedServerPasswordTest {

  @TempDir
  Path dir;

  @Test
  void encryptedPasswordIsDecryptedThroughMavensDecrypter() throws Exception {
    DefaultPlexusCipher cipher = new DefaultPlexusCipher();
    // As mvn --encrypt-master-password and --encrypt-password make them.
    String master = cipher.encryptAndDecorate(
        "master-password", DefaultSecDispatcher.SYSTEM_PROPERTY_SEC_LOCATION);
    Path security = dir.resolve("settings-security.xml");
    Files.writeString(
        security, "<settingsSecurity><master>" + master + "</master></settingsSecurity>");
    DefaultSecDispatcher dispatcher = new DefaultSecDispatcher() {
      {
        _cipher = cipher;
      }
    };
    dispatcher.setConfigurationFile(security.toString());
    Server server = new Server();
    server.setId("registry.example.com");
    server.setUsername("ci");
    server.setPassword(cipher.encryptAndDecorate("s3cret", "master-password"));

    SettingsCredentialProvider provider =
        SettingsCredentialProvider.of(List.of(server), new DefaultSettingsDecrypter(dispatcher));

    assertThat(provider.find("registry.example.com:443"))
        .map(Credentials::secret)
        .contains("s3cret");
    assertThat(provider.find("other.example.com")).isEmpty();
  }
}
