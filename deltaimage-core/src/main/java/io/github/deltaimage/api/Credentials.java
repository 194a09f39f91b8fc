package io.github.deltaimage.api;

import java.util.Objects;

/**
 * A registry login. {@code toString} never shows the secret, so a credential can be logged or put
 * in a message by mistake without leaking.
 *
 * @param username user name; for an identity token the placeholder {@code <token>}
 * @param secret password or token
 * @param identityToken true when {@code secret} is an OAuth2 refresh token (docker's identitytoken)
 * @param source where it came from, e.g. "--dest-creds" or "/root/.docker/config.json (credsStore pass)"
 */
public record Credentials(String username, String secret, boolean identityToken, String source) {
  /** Checks that no part is null. */
  public Credentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(source, "source");
  }

  /** Parses {@code USER:PASSWORD} (the password may contain colons). */
  public static Credentials parse(String userColonPassword, String source) {
    int c = userColonPassword.indexOf(':');
    if (c <= 0) {
      throw new io.github.deltaimage.api.InvalidInputException(source + " wants USER:PASSWORD");
    }
    return new Credentials(
        userColonPassword.substring(0, c), userColonPassword.substring(c + 1), false, source);
  }

  /** "user NAME from SOURCE": what a message may say about this credential. */
  public String describe() {
    return (identityToken ? "an identity token" : "user '" + username + "'") + " from " + source;
  }

  @Override
  public String toString() {
    return "Credentials[" + describe() + "]";
  }
}
