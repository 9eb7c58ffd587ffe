package dev.clipper.stage.fetch;

import dev.clipper.error.ClipperException;
import dev.clipper.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 content hashes, the identity of a source in blob storage. */
final class Hashing {
  private Hashing() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  static String sha256(Path file) {
    MessageDigest sha = sha256();
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) >= 0) sha.update(buffer, 0, n);
    } catch (IOException e) {
      throw new ClipperException(ErrorCode.NOT_A_VIDEO, "cannot read " + file + ": " + e.getMessage(), e);
    }
    return hex(sha.digest());
  }
}
