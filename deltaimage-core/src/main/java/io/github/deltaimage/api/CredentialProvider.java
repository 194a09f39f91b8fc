package io.github.deltaimage.api;

import java.util.Optional;

/**
 * A front end's own store of registry logins (e.g. Maven's settings.xml servers), consulted per
 * registry host after an explicit credential and before the Docker config.
 */
@FunctionalInterface
public interface CredentialProvider {

  /** Knows no login. */
  CredentialProvider NONE = host -> Optional.empty();

  /**
   * The login for {@code host} as a reference names it (e.g. {@code 127.0.0.1:5000}), if this store
   * has one; its {@link Credentials#source()} says where it came from.
   */
  Optional<Credentials> find(String host);
}
