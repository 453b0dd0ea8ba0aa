// Unit tests of access::TokenRegistry on a real storage::Store in a temporary folder:
// secrets stored only as their SHA-256 (the tokens family scanned, and every file of the
// store on disk searched for the secret), Authenticate / Revoke / expiry at given times,
// duplicate live names, reload after the store is reopened, and the refusals (own token,
// unknown token, bad requests naming the field).
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/time/time.h"
#include "engine/access/secrets.h"
#include "engine/access/token_registry.h"
#include "engine/storage/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/engine_test_fixture.h"
#include "tests/engine/test_taxonomy.h"

namespace w2w::access {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using w2w::testing::SharedTaxonomy;

// A fixed clock: tokens are created at kT0 and checked at chosen times after it.
const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

class TokenRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.path = testing_engine::NewTempDir("tokens");
    options_.disk_reserve_bytes = 0;
    Open();
  }
  void TearDown() override {
    registry_.reset();
    store_.reset();
    std::filesystem::remove_all(options_.path);
  }
  void Open() {
    registry_.reset();
    store_.reset();
    auto store = storage::Store::Open(options_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto registry = TokenRegistry::Load(store_.get());
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = std::move(*registry);
  }

  absl::StatusOr<v1::CreateTokenResponse> Create(const std::string& name, v1::Role role,
                                                 const v1::Scope& scope = {}, const std::string& expires_in = "",
                                                 const Caller& by = Caller::System(), absl::Time now = kT0) {
    v1::CreateTokenRequest r;
    r.set_name(name);
    r.set_role(role);
    *r.mutable_scope() = scope;
    r.set_expires_in(expires_in);
    return registry_->Create(r, by, *SharedTaxonomy(), now);
  }
  static v1::Scope Source(const std::string& source) {
    v1::Scope s;
    s.set_source(source);
    return s;
  }

  // Every key and value of the tokens family.
  std::vector<std::pair<std::string, std::string>> StoredTokens() const {
    std::vector<std::pair<std::string, std::string>> out;
    auto visited = store_->Scan(storage::Family::kTokens, "", "", 0, [&](std::string_view k, std::string_view v) {
      out.emplace_back(std::string(k), std::string(v));
      return true;
    });
    EXPECT_TRUE(visited.ok()) << visited.status();
    return out;
  }

  storage::StoreOptions options_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<TokenRegistry> registry_;
};

TEST_F(TokenRegistryTest, SecretsAreStoredOnlyAsTheirSha256) {
  auto admin = Create("admin", v1::ROLE_ADMIN);
  ASSERT_TRUE(admin.ok()) << admin.status();
  auto partner = Create("uwv-sync", v1::ROLE_PARTNER, Source("uwv"));
  ASSERT_TRUE(partner.ok()) << partner.status();
  const std::vector<std::string> secrets = {admin->secret(), partner->secret()};
  for (const std::string& secret : secrets) {
    EXPECT_THAT(secret, StartsWith("w2w_"));
    EXPECT_EQ(secret.size(), 4u + 64u);
  }
  EXPECT_NE(admin->secret(), partner->secret());
  EXPECT_THAT(admin->token().id(), StartsWith("tok-"));

  const auto stored = StoredTokens();
  ASSERT_EQ(stored.size(), 2u);
  std::vector<std::string> keys;
  for (const auto& [key, value] : stored) {
    keys.push_back(key);
    EXPECT_EQ(key.size(), 32u);
    v1::Token token;
    ASSERT_TRUE(token.ParseFromString(value));
    for (const std::string& secret : secrets) {
      const std::string hex = secret.substr(4);
      const std::string raw = absl::HexStringToBytes(hex);
      for (const std::string& needle : {secret, hex, raw}) {
        EXPECT_EQ(key.find(needle), std::string::npos);
        EXPECT_EQ(value.find(needle), std::string::npos);
      }
    }
  }
  EXPECT_THAT(keys, ::testing::UnorderedElementsAre(DigestOfSecret(admin->secret()),
                                                   DigestOfSecret(partner->secret())));

  // Nor anywhere in the store's files (WAL, SST, manifest) once it is closed.
  registry_.reset();
  store_.reset();
  size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(options_.path)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    for (const std::string& secret : secrets) {
      EXPECT_EQ(bytes.str().find(secret), std::string::npos) << entry.path();
      EXPECT_EQ(bytes.str().find(secret.substr(4)), std::string::npos) << entry.path();
    }
  }
  EXPECT_GT(files, 0u);
  Open();
}

TEST_F(TokenRegistryTest, AuthenticateRevokeAndExpiry) {
  auto admin = Create("admin", v1::ROLE_ADMIN);
  ASSERT_TRUE(admin.ok());
  auto coach = Create("anna", v1::ROLE_COACH, [] {
    v1::Scope s;
    s.add_clusters("Oost");
    return s;
  }());
  ASSERT_TRUE(coach.ok()) << coach.status();
  EXPECT_EQ(coach->token().scope().clusters(0), "oost");  // Canonical.
  EXPECT_EQ(coach->token().created_by(), "system");
  EXPECT_EQ(coach->token().created_at(), FormatRfc3339(kT0));

  auto who = registry_->Authenticate(coach->secret(), kT0 + absl::Hours(1000));
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ((*who)->name(), "anna");
  EXPECT_TRUE((*who)->coach());
  EXPECT_EQ((*who)->token.id(), coach->token().id());

  // Unknown: nothing about other tokens.
  for (const std::string& wrong : {std::string(""), std::string("w2w_"), coach->secret() + "x",
                                   coach->secret().substr(0, coach->secret().size() - 1)}) {
    auto refused = registry_->Authenticate(wrong, kT0);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_EQ(refused.status().message(), "unknown token");
  }

  // Revoked: refused from the next call on.
  auto admin_caller = registry_->Authenticate(admin->secret(), kT0);
  ASSERT_TRUE(admin_caller.ok());
  auto revoked = registry_->Revoke(coach->token().id(), **admin_caller, kT0 + absl::Seconds(5));
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(revoked->revoked_at(), FormatRfc3339(kT0 + absl::Seconds(5)));
  auto after = registry_->Authenticate(coach->secret(), kT0 + absl::Seconds(6));
  EXPECT_EQ(after.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(after.status().message()), HasSubstr("revoked"));
  // Revoked again: FAILED_PRECONDITION; unknown: NOT_FOUND.
  EXPECT_EQ(registry_->Revoke(coach->token().id(), **admin_caller, kT0).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(registry_->Revoke("tok-nope", **admin_caller, kT0).status().code(), absl::StatusCode::kNotFound);
  // The caller's own token: FAILED_PRECONDITION, and it still works.
  auto own = registry_->Revoke(admin->token().id(), **admin_caller, kT0);
  EXPECT_EQ(own.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(own.status().message()), HasSubstr("itself"));
  EXPECT_EQ(registry_->Revoke("admin", **admin_caller, kT0).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(registry_->Authenticate(admin->secret(), kT0).ok());

  // Expiry: valid before, refused from the instant on.
  auto brief = Create("brief", v1::ROLE_PARTNER, Source("uwv"), "10s");
  ASSERT_TRUE(brief.ok()) << brief.status();
  EXPECT_EQ(brief->token().expires_at(), FormatRfc3339(kT0 + absl::Seconds(10)));
  EXPECT_TRUE(registry_->Authenticate(brief->secret(), kT0 + absl::Seconds(9)).ok());
  auto expired = registry_->Authenticate(brief->secret(), kT0 + absl::Seconds(10));
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(expired.status().message()), HasSubstr("expired"));
  EXPECT_EQ(registry_->LiveAdmins(kT0), 1u);

  // Listing: by creation time, revoked ones only when asked; never a secret.
  std::vector<std::string> live, all;
  for (const v1::Token& t : registry_->List(false)) live.push_back(t.name());
  for (const v1::Token& t : registry_->List(true)) all.push_back(t.name());
  EXPECT_THAT(live, ::testing::UnorderedElementsAre("admin", "brief"));
  EXPECT_THAT(all, ::testing::UnorderedElementsAre("admin", "anna", "brief"));
}

TEST_F(TokenRegistryTest, ExpiresAtIsAnRfc3339TimeInTheFuture) {
  v1::CreateTokenRequest r;
  r.set_name("x");
  r.set_role(v1::ROLE_PARTNER);
  *r.mutable_scope() = Source("uwv");
  r.set_expires_at(FormatRfc3339(kT0 + absl::Hours(1)));
  auto at = registry_->Create(r, Caller::System(), *SharedTaxonomy(), kT0);
  ASSERT_TRUE(at.ok()) << at.status();
  EXPECT_TRUE(registry_->Authenticate(at->secret(), kT0 + absl::Minutes(59)).ok());
  EXPECT_FALSE(registry_->Authenticate(at->secret(), kT0 + absl::Minutes(61)).ok());

  struct Case {
    std::string expires_at, expires_in, field;
  };
  for (const Case& c : std::vector<Case>{{FormatRfc3339(kT0 - absl::Seconds(1)), "", "expires_at"},
                                         {"tomorrow", "", "expires_at"},
                                         {"", "-5s", "expires_in"},
                                         {"", "soon", "expires_in"},
                                         {FormatRfc3339(kT0 + absl::Hours(1)), "1h", "expires_in"}}) {
    SCOPED_TRACE(c.expires_at + "|" + c.expires_in);
    r.set_name("y");
    r.set_expires_at(c.expires_at);
    r.set_expires_in(c.expires_in);
    auto refused = registry_->Create(r, Caller::System(), *SharedTaxonomy(), kT0);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(refused.status().message()), StartsWith(c.field + ":"));
  }
}

TEST_F(TokenRegistryTest, BadRequestsNameTheField) {
  struct Case {
    std::string name;
    v1::Role role;
    v1::Scope scope;
    std::string prefix;
  };
  v1::Scope bad_region;
  bad_region.add_regions("Twente");
  bad_region.add_regions("Atlantis");
  const std::vector<Case> cases = {
      {"", v1::ROLE_ADMIN, {}, "name: required"},
      {std::string(65, 'a'), v1::ROLE_ADMIN, {}, "name: longer than 64 bytes"},
      {"anna de vries", v1::ROLE_ADMIN, {}, "name: invalid character at byte 4"},
      {"anna", v1::ROLE_UNSPECIFIED, {}, "role: "},
      {"anna", static_cast<v1::Role>(42), {}, "role: "},
      {"anna", v1::ROLE_COACH, bad_region, "scope.regions[1]: unknown region 'Atlantis'"},
      {"anna", v1::ROLE_PARTNER, {}, "scope.source: required"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.prefix);
    auto refused = Create(c.name, c.role, c.scope);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(refused.status().message()), StartsWith(c.prefix));
  }
  EXPECT_TRUE(StoredTokens().empty());
  EXPECT_TRUE(Create("a-Z_0.9:x@y", v1::ROLE_ADMIN).ok());
}

TEST_F(TokenRegistryTest, LiveNamesAreUnique) {
  auto admin = Create("admin", v1::ROLE_ADMIN);
  ASSERT_TRUE(admin.ok());
  auto by = registry_->Authenticate(admin->secret(), kT0);
  ASSERT_TRUE(by.ok());
  ASSERT_TRUE(Create("uwv-sync", v1::ROLE_PARTNER, Source("uwv")).ok());
  auto twice = Create("uwv-sync", v1::ROLE_PARTNER, Source("randstad"));
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(twice.status().message()), StartsWith("name: "));
  // Revoked: the name is free again, and revoking by name finds the live one.
  ASSERT_TRUE(registry_->Revoke("uwv-sync", **by, kT0).ok());
  auto again = Create("uwv-sync", v1::ROLE_PARTNER, Source("randstad"));
  ASSERT_TRUE(again.ok()) << again.status();
  auto revoked = registry_->Revoke("uwv-sync", **by, kT0);
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(revoked->id(), again->token().id());

  // Expired: no longer live, so the name is free as well; the new token then answers to
  // the name, the expired one to its id.
  auto brief = Create("brief", v1::ROLE_PARTNER, Source("uwv"), "1m");
  ASSERT_TRUE(brief.ok());
  EXPECT_EQ(Create("brief", v1::ROLE_PARTNER, Source("uwv"), "", Caller::System(), kT0 + absl::Seconds(30))
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists);
  auto later = Create("brief", v1::ROLE_PARTNER, Source("uwv"), "", Caller::System(), kT0 + absl::Minutes(2));
  ASSERT_TRUE(later.ok()) << later.status();
  auto by_name = registry_->Revoke("brief", **by, kT0 + absl::Minutes(3));
  ASSERT_TRUE(by_name.ok()) << by_name.status();
  EXPECT_EQ(by_name->id(), later->token().id());
  EXPECT_TRUE(registry_->Revoke(brief->token().id(), **by, kT0 + absl::Minutes(3)).ok());
}

TEST_F(TokenRegistryTest, TokensAreReloadedFromTheStore) {
  auto admin = Create("admin", v1::ROLE_ADMIN);
  ASSERT_TRUE(admin.ok());
  auto coach = Create("anna", v1::ROLE_COACH, [] {
    v1::Scope s;
    s.add_regions("Twente");
    return s;
  }(), "48h");
  ASSERT_TRUE(coach.ok());
  auto gone = Create("gone", v1::ROLE_PARTNER, Source("uwv"));
  ASSERT_TRUE(gone.ok());
  auto by = registry_->Authenticate(admin->secret(), kT0);
  ASSERT_TRUE(by.ok());
  ASSERT_TRUE(registry_->Revoke("gone", **by, kT0 + absl::Seconds(1)).ok());
  const std::vector<v1::Token> before = registry_->List(true);

  Open();  // A new store object and registry over the same folder.
  const std::vector<v1::Token> after = registry_->List(true);
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) EXPECT_EQ(after[i].SerializeAsString(), before[i].SerializeAsString());
  auto anna = registry_->Authenticate(coach->secret(), kT0 + absl::Hours(47));
  ASSERT_TRUE(anna.ok()) << anna.status();
  EXPECT_EQ((*anna)->token.scope().regions(0), "Twente");
  EXPECT_EQ(registry_->Authenticate(coach->secret(), kT0 + absl::Hours(48)).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(registry_->Authenticate(gone->secret(), kT0).status().message()), HasSubstr("revoked"));
  EXPECT_TRUE(registry_->Authenticate(admin->secret(), kT0).ok());
  EXPECT_EQ(registry_->LiveAdmins(kT0), 1u);
  // The live names are still taken after the reload.
  EXPECT_EQ(Create("anna", v1::ROLE_ADMIN).status().code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(TokenRegistryTest, ScopesAreResolvedPerTaxonomyVersion) {
  auto coach = Create("anna", v1::ROLE_COACH, [] {
    v1::Scope s;
    s.add_clusters("oost");
    return s;
  }());
  ASSERT_TRUE(coach.ok());
  auto caller = registry_->Authenticate(coach->secret(), kT0);
  ASSERT_TRUE(caller.ok());
  const auto tax = SharedTaxonomy();
  const auto first = registry_->ScopeOf(**caller, tax);
  EXPECT_EQ(registry_->ScopeOf(**caller, tax), first);  // Cached.
  v1::Cluster oost = tax->ClusterProto(*tax->FindCluster("oost"));
  oost.add_regions("Zuid-Limburg");
  auto changed = tax->WithCluster(oost);
  ASSERT_TRUE(changed.ok());
  const auto second = registry_->ScopeOf(**caller, *changed);
  EXPECT_NE(second, first);
  EXPECT_FALSE(first->HasRegion(*tax->FindRegion("Zuid-Limburg")));
  EXPECT_TRUE(second->HasRegion(*tax->FindRegion("Zuid-Limburg")));
}

}  // namespace
}  // namespace w2w::access
