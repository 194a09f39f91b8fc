package io.github.deltaimage.tar;

import io.github.deltaimage.api.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** The records of a PAX extended header: {@code "LEN KEY=VALUE\n"}, values as raw bytes. */
final class PaxRecords {

  private final Map<String, byte[]> records;

  private PaxRecords(Map<String, byte[]> records) {
    this.records = records;
  }

  static PaxRecords parse(byte[] data, String what) {
    Map<String, byte[]> records = new HashMap<>();
    int at = 0;
    while (at < data.length) {
      if (data[at] == 0) {
        break;
      }
      int space = at;
      while (space < data.length && data[space] != ' ') {
        space++;
      }
      int length;
      try {
        length = Integer.parseInt(new String(data, at, space - at, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw new InvalidInputException(what + " has a malformed PAX record");
      }
      int end = at + length;
      if (length <= 0 || end > data.length || data[end - 1] != '\n') {
        throw new InvalidInputException(what + " has a malformed PAX record");
      }
      int equals = space + 1;
      while (equals < end && data[equals] != '=') {
        equals++;
      }
      if (equals >= end) {
        throw new InvalidInputException(what + " has a PAX record without '='");
      }
      String key = new String(data, space + 1, equals - space - 1, StandardCharsets.UTF_8);
      records.put(key, Arrays.copyOfRange(data, equals + 1, end - 1));
      at = end;
    }
    return new PaxRecords(records);
  }

  byte[] get(String key) {
    return records.get(key);
  }
}
