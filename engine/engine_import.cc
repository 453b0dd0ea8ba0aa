// Engine facade: streamed imports (ImportCandidates / PushVacancies).
//
// Items are collected into batches of EngineOptions::import_batch_size. A batch is
// validated without a lock, then committed by CommitRecordsLocked (internal/
// record_commit.h): as if its valid items were upserted one after another, but with one
// store read and one atomic store write; only then is it counted as committed. Invalid
// items and failed version checks become ItemErrors and never block the others.
#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/common/status_macros.h"
#include "engine/access/permissions.h"
#include "engine/engine.h"
#include "engine/internal/engine_state.h"
#include "engine/internal/record_commit.h"
#include "engine/internal/record_ops.h"

namespace w2w {
namespace {

using internal::RecordTraits;

template <typename Record>
class RecordImporter final : public Importer {
 public:
  // Borrows state; the Engine outlives this. A caller that may not write records gets
  // PERMISSION_DENIED from the first Add (a stream-level error).
  RecordImporter(internal::EngineState* state, const access::Caller& caller, std::string_view what)
      : state_(state),
        caller_(caller),
        stream_error_(access::Require(caller, access::Action::kWriteRecords, what)),
        start_(std::chrono::steady_clock::now()) {}

  absl::Status Add(v1::Candidate candidate) override { return AddItem(std::move(candidate)); }
  absl::Status Add(v1::Vacancy vacancy) override { return AddItem(std::move(vacancy)); }
  absl::Status Add(v1::OutcomeEvent) override {
    return absl::FailedPreconditionError(absl::StrCat(
        "a ", std::string(RecordTraits<Record>::kName), " import got an outcome event"));
  }

  absl::StatusOr<v1::ImportSummary> Finish() override {
    RETURN_IF_ERROR(stream_error_);
    RETURN_IF_ERROR(CommitPending());
    UpdateElapsed();
    return summary_;
  }

  const v1::ImportSummary& summary() const override { return summary_; }

 private:
  struct Item {
    uint32_t index;
    Record record;
  };

  template <typename Other>
  absl::Status AddItem(Other item) {
    if constexpr (!std::is_same_v<Other, Record>) {
      return absl::FailedPreconditionError(absl::StrCat(
          "a ", std::string(RecordTraits<Record>::kName), " import got a ",
          std::string(RecordTraits<Other>::kName)));
    } else {
      RETURN_IF_ERROR(stream_error_);
      pending_.push_back({static_cast<uint32_t>(summary_.received()), std::move(item)});
      summary_.set_received(summary_.received() + 1);
      if (pending_.size() >= static_cast<size_t>(state_->options.import_batch_size)) {
        RETURN_IF_ERROR(CommitPending());
      }
      return absl::OkStatus();
    }
  }

  // Counts a rejected item and lists it. `field` overrides the path found in the message.
  void Reject(std::vector<v1::ItemError>* errors, const Item& item, std::string_view id,
              const absl::Status& status, std::string_view field = {}) {
    summary_.set_rejected(summary_.rejected() + 1);
    v1::ItemError error;
    error.set_index(item.index);
    error.set_id(std::string(id));
    const std::string message(status.message());
    error.set_field(field.empty() ? internal::ErrorField(message, RecordTraits<Record>::kName)
                                  : std::string(field));
    error.set_code(absl::StatusCodeToString(status.code()));
    error.set_message(message);
    errors->push_back(std::move(error));
  }

  absl::Status CommitPending() {
    if (pending_.empty()) return absl::OkStatus();
    std::vector<Item> items = std::move(pending_);
    pending_.clear();
    pending_.reserve(static_cast<size_t>(state_->options.import_batch_size));
    absl::Status status = CommitItems(items);
    if (!status.ok()) stream_error_ = status;
    UpdateElapsed();
    return status;
  }

  // Commits one batch of items; see the file comment. A non-OK return is a stream-level
  // failure: nothing of this batch was stored.
  absl::Status CommitItems(std::vector<Item>& items) {
    using Traits = RecordTraits<Record>;
    std::vector<v1::ItemError> errors;

    // Validation needs no lock: it reads an immutable taxonomy snapshot.
    const std::shared_ptr<const taxonomy::Taxonomy> tax = state_->taxonomy();
    std::vector<Item*> valid;
    valid.reserve(items.size());
    bool source_locked = false;  // Each partner item is; see below.
    for (Item& item : items) {
      // Canonicalisation never rewrites the id, so the rejected item's id is as sent.
      absl::Status status = internal::ClaimForWriter(caller_, &item.record, &source_locked);
      if (status.ok()) status = Traits::Canonicalize(*tax, &item.record, Traits::kName);
      if (status.ok()) {
        valid.push_back(&item);
      } else {
        Reject(&errors, item, item.record.id(), status);
      }
    }

    std::vector<Record*> records;
    records.reserve(valid.size());
    for (Item* item : valid) records.push_back(&item->record);
    std::vector<internal::CommitResult<Record>> results;
    {
      absl::MutexLock lock(&state_->writer_mu);
      RETURN_IF_ERROR(internal::CommitRecordsLocked<Record>(
          *state_, records, &results, [](size_t, const Record&) {},
          std::vector<bool>(caller_.partner() ? records.size() : 0, true)));
    }
    uint64_t changed = 0, unchanged = 0;
    for (size_t i = 0; i < valid.size(); ++i) {
      switch (results[i].outcome) {
        case internal::CommitOutcome::kChanged: ++changed; break;
        case internal::CommitOutcome::kUnchanged: ++unchanged; break;
        case internal::CommitOutcome::kRejected:
          Reject(&errors, *valid[i], valid[i]->record.id(), results[i].status,
                 results[i].status.code() == absl::StatusCode::kNotFound ? "version" : "");
          break;
      }
    }

    std::sort(errors.begin(), errors.end(),
              [](const v1::ItemError& a, const v1::ItemError& b) { return a.index() < b.index(); });
    for (v1::ItemError& error : errors) {
      if (summary_.errors_size() >= kMaxListedItemErrors) break;
      *summary_.add_errors() = std::move(error);
    }

    if (changed > 0) summary_.set_batches(summary_.batches() + 1);
    summary_.set_committed(summary_.committed() + changed);
    summary_.set_unchanged(summary_.unchanged() + unchanged);
    return absl::OkStatus();
  }

  void UpdateElapsed() {
    summary_.set_elapsed_seconds(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  }

  internal::EngineState* const state_;
  const access::Caller caller_;  // A copy: the stream may outlive the caller's object.
  absl::Status stream_error_;
  const std::chrono::steady_clock::time_point start_;
  std::vector<Item> pending_;
  v1::ImportSummary summary_;
};

}  // namespace

std::unique_ptr<Importer> Engine::NewCandidateImporter(const access::Caller& caller) {
  return std::make_unique<RecordImporter<v1::Candidate>>(state_.get(), caller, "ImportCandidates");
}

std::unique_ptr<Importer> Engine::NewVacancyImporter(const access::Caller& caller) {
  return std::make_unique<RecordImporter<v1::Vacancy>>(state_.get(), caller, "PushVacancies");
}

}  // namespace w2w
