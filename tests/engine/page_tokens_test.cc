// Unit tests of access::PageTokens on a real storage::Store in a temporary folder: a
// sealed token opens to its position and does not carry it readably; two seals of one
// position differ; altered, truncated, foreign-key and non-base64 tokens are refused with
// INVALID_ARGUMENT naming page_token; the key survives reopening the store, so tokens stay
// valid across a restart.
#include "engine/access/page_tokens.h"

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "engine/storage/store.h"
#include "gtest/gtest.h"
#include "tests/engine/engine_test_fixture.h"

namespace w2w::access {
namespace {

class PageTokensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.path = testing_engine::NewTempDir("page-tokens");
    options_.disk_reserve_bytes = 0;
    Reopen();
  }
  void TearDown() override {
    tokens_.reset();
    store_.reset();
    std::filesystem::remove_all(options_.path);
  }
  void Reopen() {
    tokens_.reset();
    store_.reset();
    auto store = storage::Store::Open(options_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto tokens = PageTokens::Open(store_.get());
    ASSERT_TRUE(tokens.ok()) << tokens.status();
    tokens_ = std::move(*tokens);
  }
  void ExpectRefused(const std::string& token) {
    absl::StatusOr<std::string> opened = tokens_->Open(token);
    ASSERT_FALSE(opened.ok()) << "opened " << token << " to " << *opened;
    EXPECT_EQ(opened.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(opened.status().message().substr(0, 11), "page_token:") << opened.status();
  }

  storage::StoreOptions options_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<PageTokens> tokens_;
};

TEST_F(PageTokensTest, ASealedTokenOpensToItsPositionAndHidesIt) {
  const std::string token = tokens_->Seal("cand-out-of-scope-0042");
  ASSERT_FALSE(token.empty());
  absl::StatusOr<std::string> opened = tokens_->Open(token);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "cand-out-of-scope-0042");
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &raw));
  EXPECT_EQ(raw.find("cand-out-of-scope"), std::string::npos);
  EXPECT_EQ(token.find("cand"), std::string::npos);
  EXPECT_NE(tokens_->Seal("cand-out-of-scope-0042"), token);  // A fresh nonce each time.
}

TEST_F(PageTokensTest, AlteredTruncatedForeignAndGarbageTokensAreRefused) {
  const std::string token = tokens_->Seal("c-7");
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &raw));
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string altered = raw;
    altered[i] = static_cast<char>(altered[i] ^ 0x01);
    ExpectRefused(absl::WebSafeBase64Escape(altered));
  }
  ExpectRefused(absl::WebSafeBase64Escape(raw.substr(0, raw.size() - 1)));
  ExpectRefused(absl::WebSafeBase64Escape("c-7"));  // The old, readable token format.
  ExpectRefused("not base64 at all!");
  ExpectRefused("");
  PageTokens other(std::string(32, 'k'));
  ExpectRefused(other.Seal("c-7"));
}

TEST_F(PageTokensTest, TokensStayValidAcrossAReopenOfTheStore) {
  const std::string token = tokens_->Seal("c-0999");
  Reopen();
  absl::StatusOr<std::string> opened = tokens_->Open(token);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "c-0999");
}

}  // namespace
}  // namespace w2w::access
