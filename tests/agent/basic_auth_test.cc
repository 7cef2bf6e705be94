// Basic authentication against bcrypt hashes, on every endpoint but /healthz, and the web config file.
#include <crypt.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include <mapscope/config/config_error.h>

#include "http/basic_auth.h"
#include "http_client.h"
#include "mapscope/exporter/exporter.h"

namespace mapscope::testing {
namespace {

using exporter::Exporter;
using exporter::WebConfig;

// A bcrypt hash of `password` at `cost` (the lowest by default), as htpasswd -B would write it.
std::string bcrypt(const std::string& password, unsigned long cost = 4) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn("$2y$", cost, nullptr, 0, setting, sizeof setting), nullptr);
  crypt_data data{};
  const char* hash = crypt_rn(password.c_str(), setting, &data, sizeof data);
  EXPECT_NE(hash, nullptr);
  return hash;
}

class BasicAuthServer : public ::testing::Test {
 protected:
  BasicAuthServer()
      : exporter_({.listen_address = "127.0.0.1:0",
                   .web_config = WebConfig{{{"alice", bcrypt("s3cret")}, {"bob", bcrypt("hunter2")}}}}) {}
  std::uint16_t port() const { return exporter_.port(); }
  Exporter exporter_;
};

TEST_F(BasicAuthServer, Refuses401WithoutOrWithWrongCredentials) {
  for (const char* path : {"/metrics", "/", "/debug/maps", "/-/ready", "/nope"}) {
    HttpResponse none = http_get(port(), path);
    EXPECT_EQ(none.status, 401) << path;
    EXPECT_EQ(none.headers["www-authenticate"].rfind("Basic realm=\"mapscope\"", 0), 0u) << path;
    EXPECT_EQ(http_get(port(), path, basic_auth_header("alice", "wrong")).status, 401) << path;
    EXPECT_EQ(http_get(port(), path, basic_auth_header("mallory", "s3cret")).status, 401) << path;
    EXPECT_EQ(http_get(port(), path, "Authorization: Basic !!!\r\n").status, 401) << path;
    EXPECT_EQ(http_get(port(), path, "Authorization: Bearer abc\r\n").status, 401) << path;
  }
  EXPECT_EQ(http_request(port(), "POST", "/-/reload").status, 401);
}

TEST_F(BasicAuthServer, Accepts200WithRightCredentials) {
  HttpResponse metrics = http_get(port(), "/metrics", basic_auth_header("alice", "s3cret"));
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("mapscope_build_info"), std::string::npos);
  EXPECT_EQ(http_get(port(), "/", basic_auth_header("bob", "hunter2")).status, 200);
  EXPECT_EQ(http_get(port(), "/debug/maps", basic_auth_header("bob", "hunter2")).status, 200);
  EXPECT_EQ(http_get(port(), "/nope", basic_auth_header("bob", "hunter2")).status, 404);
  // Verified credentials are remembered; the answer stays the same.
  EXPECT_EQ(http_get(port(), "/metrics", basic_auth_header("alice", "s3cret")).status, 200);
}

TEST_F(BasicAuthServer, HealthzNeedsNoCredentials) {
  EXPECT_EQ(http_get(port(), "/healthz").status, 200);
  EXPECT_EQ(http_get(port(), "/-/healthy").status, 200);
}

TEST_F(BasicAuthServer, NewUsersApplyLiveAndForgetRememberedCredentials) {
  ASSERT_EQ(http_get(port(), "/metrics", basic_auth_header("alice", "s3cret")).status, 200);
  exporter_.set_web_config(WebConfig{{{"carol", bcrypt("pw")}}});
  EXPECT_EQ(http_get(port(), "/metrics", basic_auth_header("alice", "s3cret")).status, 401);
  EXPECT_EQ(http_get(port(), "/metrics", basic_auth_header("carol", "pw")).status, 200);
  exporter_.set_web_config(std::nullopt);
  EXPECT_EQ(http_get(port(), "/metrics").status, 200);
}

std::string authorization(const std::string& user, const std::string& password) {
  std::string line = basic_auth_header(user, password);  // "Authorization: Basic ...\r\n"
  return line.substr(std::string("Authorization: ").size(),
                     line.size() - std::string("Authorization: \r\n").size());
}

TEST(BasicAuthCost, RepeatedCredentialsCostOneBcryptWhetherRightOrWrong) {
  exporter::BasicAuth auth;
  auth.set_config(WebConfig{{{"alice", bcrypt("s3cret")}}});
  const std::string wrong = authorization("alice", "guess");
  for (int i = 0; i < 20; ++i) {
    EXPECT_FALSE(auth.allowed(wrong.c_str()));
  }
  EXPECT_EQ(auth.bcrypt_runs(), 1u) << "a repeated wrong password is answered from memory";
  const std::string right = authorization("alice", "s3cret");
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(auth.allowed(right.c_str()));
  }
  EXPECT_EQ(auth.bcrypt_runs(), 2u);
  EXPECT_FALSE(auth.allowed(authorization("alice", "guess2").c_str()));
  EXPECT_FALSE(auth.allowed(authorization("mallory", "s3cret").c_str()));
  EXPECT_EQ(auth.bcrypt_runs(), 4u) << "new passwords and unknown users cost one each";
  EXPECT_FALSE(auth.allowed(authorization("alice", "s3cret\n").c_str()))
      << "the hash key tells passwords apart";
}

TEST(BasicAuthCost, ManyWrongPasswordsDoNotEvictTheRightOne) {
  exporter::BasicAuth auth;
  auth.set_config(WebConfig{{{"alice", bcrypt("s3cret")}}});
  const std::string right = authorization("alice", "s3cret");
  ASSERT_TRUE(auth.allowed(right.c_str()));
  for (int i = 0; i < 1500; ++i) {  // more than the cache holds
    EXPECT_FALSE(auth.allowed(authorization("alice", "wrong" + std::to_string(i)).c_str()));
  }
  const std::uint64_t runs = auth.bcrypt_runs();
  EXPECT_TRUE(auth.allowed(right.c_str()));
  EXPECT_EQ(auth.bcrypt_runs(), runs) << "the scraper's credentials are still remembered";
}

TEST(BasicAuthCost, UnknownUsersCostTheHighestConfiguredCost) {
  exporter::BasicAuth auth;
  EXPECT_EQ(auth.unknown_user_cost(), 0u);
  auth.set_config(WebConfig{{{"alice", bcrypt("a", 4)}, {"bob", bcrypt("b", 6)}, {"carol", bcrypt("c", 5)}}});
  EXPECT_EQ(auth.unknown_user_cost(), 6u);
  EXPECT_FALSE(auth.allowed(authorization("mallory", "a").c_str()));
  auth.set_config(WebConfig{{{"alice", bcrypt("a", 4)}}});
  EXPECT_EQ(auth.unknown_user_cost(), 4u) << "follows the users on a reload";
}

TEST(BasicAuthHeader, ParsesUserAndPasswordWithColons) {
  const auto parsed = exporter::BasicAuth::parse_header("Basic YWxpY2U6czNjOnJldA==");  // alice:s3c:ret
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->first, "alice");
  EXPECT_EQ(parsed->second, "s3c:ret");
  EXPECT_FALSE(exporter::BasicAuth::parse_header("Basic YWxpY2U="));  // no colon
  EXPECT_FALSE(exporter::BasicAuth::parse_header("Basic YWxp=2U6"));  // padding inside
  EXPECT_FALSE(exporter::BasicAuth::parse_header("Digest abc"));
  EXPECT_TRUE(exporter::BasicAuth::parse_header("basic YTpi"));  // scheme is case-insensitive
}

TEST(BasicAuthHash, MatchesOnlyTheRightPassword) {
  const std::string hash = bcrypt("correct horse");
  EXPECT_TRUE(exporter::BasicAuth::password_matches("correct horse", hash));
  EXPECT_FALSE(exporter::BasicAuth::password_matches("correct horsE", hash));
  EXPECT_FALSE(exporter::BasicAuth::password_matches("", hash));
}

// --- the web configuration file ------------------------------------------------------------------

void expect_error(const std::string& yaml, std::size_t line, std::size_t column,
                  const std::string& fragment) {
  try {
    exporter::load_web_config_string(yaml, "web.yml");
    FAIL() << "accepted: " << yaml;
  } catch (const config::ConfigError& error) {
    EXPECT_EQ(error.file(), "web.yml");
    EXPECT_EQ(error.line(), line) << error.what();
    EXPECT_EQ(error.column(), column) << error.what();
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
    EXPECT_EQ(std::string(error.what()).find('\n'), std::string::npos) << error.what();
  }
}

constexpr const char* kHash = "$2b$10$b/2zpB/Q3OWV.r9Hf0V6PuMHnzM1bqsugk6yD31VfTLYeJHGSeR2S";

TEST(WebConfigFile, ReadsBasicAuthUsers) {
  const WebConfig config =
      exporter::load_web_config_string(std::string("basic_auth_users:\n  alice: ") + kHash + "\n", "web.yml");
  ASSERT_EQ(config.basic_auth_users.size(), 1u);
  EXPECT_EQ(config.basic_auth_users.at("alice"), kHash);
  EXPECT_TRUE(exporter::load_web_config_string("", "web.yml").basic_auth_users.empty());
  EXPECT_TRUE(exporter::load_web_config_string("basic_auth_users:\n", "web.yml").basic_auth_users.empty());
}

TEST(WebConfigFile, RefusesWhatItCannotServeWithALocation) {
  expect_error("tls_server_config:\n  cert_file: a.crt\n", 1, 1, "tls_server_config is not supported");
  expect_error("basic_auth_users:\n  alice: plain\n", 2, 10, "not a bcrypt hash");
  expect_error(std::string("basic_auth_users:\n  alice: ") + kHash + "\n  alice: " + kHash + "\n", 3, 3,
               "duplicate user 'alice'");
  expect_error("basic_auth_user:\n  alice: x\n", 1, 1, "unknown key 'basic_auth_user'");
  expect_error("http_server_config:\n  http2: false\n", 1, 1, "http_server_config is not supported");
  expect_error("basic_auth_users: [alice]\n", 1, 19, "must be a mapping");
  expect_error("basic_auth_users:\n  alice: [x\n", 3, 1, "YAML syntax error");
  expect_error("- a\n", 1, 1, "must be a mapping");
}

// yaml-cpp 0.7's LoadAll never returns on a ',' where a document starts (found by fuzzing): refused at once.
TEST(WebConfigFile, StrayCommaIsASyntaxError) {
  expect_error(",\n", 1, 1, "YAML syntax error: unexpected ','");
  expect_error(",basic_auth_users: {}\n", 1, 1, "YAML syntax error: unexpected ','");
}

TEST(WebConfigFile, MissingFileIsReportedAtItsName) {
  try {
    exporter::load_web_config_file("/nonexistent/web.yml");
    FAIL();
  } catch (const config::ConfigError& error) {
    EXPECT_EQ(std::string(error.what()).rfind("/nonexistent/web.yml:1:1: cannot open", 0), 0u)
        << error.what();
  }
}

}  // namespace
}  // namespace mapscope::testing
