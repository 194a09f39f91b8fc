package com.example.greeter;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.apache.commons.lang3.StringUtils;

public final class Greeter {
  public static void main(String[] args) throws IOException {
    Properties release = new Properties();
    try (InputStream in = Greeter.class.getResourceAsStream("/release.properties")) {
      release.load(in);
    }
    System.out.println(StringUtils.capitalize("greeter ") + release.getProperty("version"));
  }
}
