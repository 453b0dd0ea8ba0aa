// `w2w import candidates|vacancies FILE...`: streams records to ImportCandidates or
// PushVacancies, one stream per chunk so that a huge file gets periodic acknowledgements.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "clients/cli/env.h"
#include "formats/record_reader.h"
#include "engine/common/text.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "w2w/v1/candidate.grpc.pb.h"
#include "w2w/v1/outcome.grpc.pb.h"
#include "w2w/v1/vacancy.grpc.pb.h"

namespace w2w::cli {

using ::w2w::formats::RecordKind;
using ::w2w::formats::FileFormat;
using ::w2w::formats::ParseRecordKind;
using ::w2w::formats::DetectFormat;
using ::w2w::formats::MessageToJson;
using ::w2w::formats::ReadRecord;
using ::w2w::formats::RecordReader;
namespace {

using w2w::v1::ImportSummary;

constexpr uint64_t kDefaultChunk = 50000;
// Records packed into one stream message (the repeated `candidates` / `vacancies` field):
// far fewer messages for the server to handle, while a message stays well under the
// server's message size limit (4 MiB by default) for records of a few KiB.
constexpr uint64_t kDefaultRecordsPerMessage = 200;
constexpr size_t kMaxPackedBytes = 1 << 20;
// The server's receive limit unless told otherwise (w2w-server --max_message_mb).
constexpr uint64_t kDefaultMaxMessageMb = 4;
// Room in a message for its framing beyond the record itself (field tags, lengths).
constexpr size_t kMessageOverhead = 64;
constexpr size_t kMaxPrintedErrors = 20;
// Errors kept for sorting by line before the first kMaxPrintedErrors are printed.
constexpr size_t kMaxKeptErrors = 100000;
constexpr absl::Duration kProgressEvery = absl::Milliseconds(500);

// The path of the first string field of `m` (nested and repeated fields included) that is
// not valid UTF-8, with the offending byte offset, or "" when all are valid. The server
// cannot even parse such a record (proto3 strings must be UTF-8), so it is caught here,
// with its file line.
std::string FirstNonUtf8Field(const google::protobuf::Message& m, size_t* byte) {
  const google::protobuf::Descriptor* d = m.GetDescriptor();
  const google::protobuf::Reflection* r = m.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = d->field(i);
    const bool is_string = f->type() == google::protobuf::FieldDescriptor::TYPE_STRING;
    const bool is_message = f->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE;
    if (!is_string && !is_message) continue;
    const int n = f->is_repeated() ? r->FieldSize(m, f) : (r->HasField(m, f) ? 1 : 0);
    for (int k = 0; k < n; ++k) {
      const std::string path =
          f->is_repeated() ? absl::StrCat(f->name(), "[", k, "]") : std::string(f->name());
      if (is_string) {
        const std::string value =
            f->is_repeated() ? r->GetRepeatedString(m, f, k) : r->GetString(m, f);
        if (std::optional<size_t> at = FirstInvalidUtf8Byte(value)) {
          *byte = *at;
          return path;
        }
      } else {
        const google::protobuf::Message& sub =
            f->is_repeated() ? r->GetRepeatedMessage(m, f, k) : r->GetMessage(m, f);
        std::string inner = FirstNonUtf8Field(sub, byte);
        if (!inner.empty()) return absl::StrCat(path, ".", inner);
      }
    }
  }
  return "";
}

// Totals over every chunk of every file, and the errors with their file lines.
class ImportRun {
 public:
  ImportRun(Env& env, RecordKind kind, uint64_t chunk, uint64_t per_message, size_t max_message_bytes)
      : env_(env), kind_(kind), chunk_(chunk), per_message_(per_message),
        max_message_bytes_(max_message_bytes), start_(absl::Now()) {}

  // Imports one file; returns false when the run must stop (the server failed).
  bool ImportFile(const std::string& path, FileFormat format);
  int Finish();

 private:
  bool OpenStream();
  bool Send(const google::protobuf::Message& record, int line);
  bool FlushPacked();  // Writes the packed message, if any; false when the stream broke.
  bool CloseStream();
  void AddError(int line, absl::string_view text);
  void Progress(bool force);

  Env& env_;
  const RecordKind kind_;
  const uint64_t chunk_;
  const uint64_t per_message_;  // 1 = the single field, one record per message.
  // A record this large cannot reach the server in any message: refused here, alone.
  const size_t max_message_bytes_;
  const absl::Time start_;
  std::string file_;
  // The open stream of the current chunk, and the file line of each item sent on it.
  std::unique_ptr<w2w::v1::CandidateService::Stub> candidates_;
  std::unique_ptr<w2w::v1::VacancyService::Stub> vacancies_;
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientWriter<w2w::v1::ImportCandidatesRequest>> candidate_writer_;
  std::unique_ptr<grpc::ClientWriter<w2w::v1::PushVacanciesRequest>> vacancy_writer_;
  std::unique_ptr<w2w::v1::OutcomeService::Stub> outcomes_;
  std::unique_ptr<grpc::ClientWriter<w2w::v1::ImportEventsRequest>> event_writer_;
  ImportSummary chunk_summary_;
  std::vector<int> lines_;
  // Records waiting to be sent as one packed message, and their encoded size.
  w2w::v1::ImportCandidatesRequest packed_candidates_;
  w2w::v1::PushVacanciesRequest packed_vacancies_;
  w2w::v1::ImportEventsRequest packed_events_;
  size_t packed_count_ = 0;
  size_t packed_bytes_ = 0;
  // Totals; summary_.errors holds every error with `index` set to the file line.
  ImportSummary summary_;
  uint64_t lines_read_ = 0;
  uint64_t malformed_ = 0;
  uint64_t file_errors_ = 0;
  // Ids seen in the current file and their first line: a second line with the same id
  // is reported (both are sent; the server keeps the later one).
  absl::flat_hash_map<std::string, int> first_line_;
  uint64_t duplicates_ = 0;
  struct KeptError {
    int file;  // Index of the file in the command line.
    int line;
    std::string text;
  };
  std::vector<KeptError> kept_;  // Sorted at the end.
  int file_index_ = -1;
  absl::Time last_progress_ = absl::InfinitePast();
};

void ImportRun::AddError(int line, absl::string_view text) {
  if (kept_.size() < kMaxKeptErrors) {
    kept_.push_back({file_index_, line, absl::StrCat(file_, ":", line, ": ", text)});
  }
}

void ImportRun::Progress(bool force) {
  const absl::Time now = absl::Now();
  if (!force && now - last_progress_ < kProgressEvery) return;
  last_progress_ = now;
  const double seconds = absl::ToDoubleSeconds(now - start_);
  const uint64_t sent = summary_.received() + lines_.size();
  const std::string line = absl::StrFormat(
      "%s: %d sent (%.0f items/s), %d committed, %d unchanged, %d rejected", file_, sent,
      seconds > 0 ? sent / seconds : 0.0, summary_.committed(), summary_.unchanged(),
      summary_.rejected() + malformed_);
  if (env_.progress) {
    env_.err() << "\r" << line << "\x1b[K" << std::flush;
  } else if (force) {
    env_.err() << line << "\n";
  }
}

bool ImportRun::OpenStream() {
  context_ = std::make_unique<grpc::ClientContext>();
  env_.SetDeadline(context_.get(), /*streaming=*/true);
  chunk_summary_.Clear();
  lines_.clear();
  if (kind_ == RecordKind::kCandidate) {
    if (!candidates_) candidates_ = w2w::v1::CandidateService::NewStub(env_.channel());
    candidate_writer_ = candidates_->ImportCandidates(context_.get(), &chunk_summary_);
  } else if (kind_ == RecordKind::kEvent) {
    if (!outcomes_) outcomes_ = w2w::v1::OutcomeService::NewStub(env_.channel());
    event_writer_ = outcomes_->ImportEvents(context_.get(), &chunk_summary_);
  } else {
    if (!vacancies_) vacancies_ = w2w::v1::VacancyService::NewStub(env_.channel());
    vacancy_writer_ = vacancies_->PushVacancies(context_.get(), &chunk_summary_);
  }
  return true;
}

bool ImportRun::Send(const google::protobuf::Message& record, int line) {
  if (!context_) OpenStream();
  lines_.push_back(line);
  if (per_message_ > 1) {
    // A record that would take the packed message past the limit goes in the next one.
    const size_t bytes = record.ByteSizeLong() + kMessageOverhead;
    if (packed_count_ > 0 && packed_bytes_ + bytes > std::min(kMaxPackedBytes * 2, max_message_bytes_)) {
      if (!FlushPacked()) return CloseStream() && false;
    }
    if (kind_ == RecordKind::kCandidate) {
      packed_candidates_.add_candidates()->CopyFrom(record);
    } else if (kind_ == RecordKind::kEvent) {
      packed_events_.add_events()->CopyFrom(record);
    } else {
      packed_vacancies_.add_vacancies()->CopyFrom(record);
    }
    ++packed_count_;
    packed_bytes_ += bytes;
    if (packed_count_ >= per_message_ || packed_bytes_ >= kMaxPackedBytes) {
      if (!FlushPacked()) return CloseStream() && false;
    }
  } else {
    bool ok;
    if (kind_ == RecordKind::kCandidate) {
      w2w::v1::ImportCandidatesRequest request;
      request.mutable_candidate()->CopyFrom(record);
      ok = candidate_writer_->Write(request);
    } else if (kind_ == RecordKind::kEvent) {
      w2w::v1::ImportEventsRequest request;
      request.mutable_event()->CopyFrom(record);
      ok = event_writer_->Write(request);
    } else {
      w2w::v1::PushVacanciesRequest request;
      request.mutable_vacancy()->CopyFrom(record);
      ok = vacancy_writer_->Write(request);
    }
    // A failed write means the stream is broken; Finish() reports why.
    if (!ok) return CloseStream() && false;
  }
  if (lines_.size() >= chunk_) return CloseStream();
  return true;
}

bool ImportRun::FlushPacked() {
  if (packed_count_ == 0) return true;
  const bool ok = kind_ == RecordKind::kCandidate ? candidate_writer_->Write(packed_candidates_)
                  : kind_ == RecordKind::kVacancy ? vacancy_writer_->Write(packed_vacancies_)
                                                  : event_writer_->Write(packed_events_);
  packed_candidates_.Clear();
  packed_vacancies_.Clear();
  packed_events_.Clear();
  packed_count_ = 0;
  packed_bytes_ = 0;
  return ok;
}

bool ImportRun::CloseStream() {
  if (!context_) return true;
  // A failed write shows in Finish()'s status below.
  (void)FlushPacked();
  grpc::Status status;
  if (kind_ == RecordKind::kCandidate) {
    candidate_writer_->WritesDone();
    status = candidate_writer_->Finish();
    candidate_writer_.reset();
  } else if (kind_ == RecordKind::kEvent) {
    event_writer_->WritesDone();
    status = event_writer_->Finish();
    event_writer_.reset();
  } else {
    vacancy_writer_->WritesDone();
    status = vacancy_writer_->Finish();
    vacancy_writer_.reset();
  }
  context_.reset();
  if (!status.ok()) {
    if (env_.progress) env_.err() << "\n";
    env_.RpcError(status, absl::StrCat("import of ", file_, " (", lines_.size(),
                                       " items in the failed stream)"));
    lines_.clear();
    return false;
  }
  const ImportSummary& s = chunk_summary_;
  if (s.received() != lines_.size()) {
    // Items the server never saw are neither committed nor rejected: never report such a
    // stream as a success. A server older than the packed fields sees one empty record per
    // packed message; one older than w2w's per-item parse errors stopped reading at the
    // first record it could not parse.
    if (env_.progress) env_.err() << "\n";
    env_.Error(absl::StrCat(
        "import of ", file_, ": the server received ", s.received(), " items of the ",
        lines_.size(), " sent (", s.committed(), " committed); the rest were NOT imported",
        per_message_ > 1 ? "; the server may predate packed stream messages: retry with "
                           "--records_per_message 1"
                         : ""));
    summary_.set_committed(summary_.committed() + s.committed());
    summary_.set_unchanged(summary_.unchanged() + s.unchanged());
    lines_.clear();
    return false;
  }
  summary_.set_received(summary_.received() + s.received());
  summary_.set_committed(summary_.committed() + s.committed());
  summary_.set_unchanged(summary_.unchanged() + s.unchanged());
  summary_.set_rejected(summary_.rejected() + s.rejected());
  summary_.set_batches(summary_.batches() + s.batches());
  for (const w2w::v1::ItemError& e : s.errors()) {
    const int line = e.index() < lines_.size() ? lines_[e.index()] : 0;
    auto* copy = summary_.add_errors();
    *copy = e;
    copy->set_index(line);
    std::string text = absl::StrCat(e.code(), ": ");
    if (!e.id().empty()) absl::StrAppend(&text, "id ", e.id(), ": ");
    if (!e.field().empty() && e.message().find(e.field()) == std::string::npos) {
      absl::StrAppend(&text, e.field(), ": ");
    }
    absl::StrAppend(&text, e.message());
    AddError(line, text);
  }
  // The server lists only its first errors; count the rest.
  lines_.clear();
  Progress(/*force=*/true);
  return true;
}

bool ImportRun::ImportFile(const std::string& path, FileFormat format) {
  file_ = path;
  ++file_index_;
  first_line_.clear();
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) {
      ++file_errors_;
      env_.Error(absl::StrCat(path, ": cannot open the file"));
      return true;
    }
    in = &file;
  }
  auto reader = RecordReader::Create(in, format, kind_);
  if (!reader.ok()) {
    ++file_errors_;
    env_.Error(absl::StrCat(path, ": ", reader.status().message(), " (file skipped)"));
    return true;
  }
  w2w::v1::Candidate candidate;
  w2w::v1::Vacancy vacancy;
  w2w::v1::OutcomeEvent event;
  google::protobuf::Message* record =
      kind_ == RecordKind::kCandidate ? static_cast<google::protobuf::Message*>(&candidate)
      : kind_ == RecordKind::kVacancy ? static_cast<google::protobuf::Message*>(&vacancy)
                                      : &event;
  ReadRecord read;
  while ((*reader)->Next(record, &read)) {
    ++lines_read_;
    if (read.status.ok()) {
      size_t byte = 0;
      const std::string field = FirstNonUtf8Field(*record, &byte);
      if (!field.empty()) {
        read.status = absl::InvalidArgumentError(absl::StrCat(
            field, ": not valid UTF-8 (byte ", byte,
            " of the value); a Latin-1 or Windows-1252 export? Convert the file with "
            "`iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.utf8`"));
      }
    }
    if (!read.status.ok()) {
      ++malformed_;
      auto* e = summary_.add_errors();
      e->set_index(read.line);
      e->set_code("INVALID_ARGUMENT");
      e->set_message(std::string(read.status.message()));
      AddError(read.line, absl::StrCat("malformed line: ", read.status.message()));
      continue;
    }
    if (const size_t bytes = record->ByteSizeLong(); bytes + kMessageOverhead > max_message_bytes_) {
      ++malformed_;
      const std::string text = absl::StrFormat(
          "record of %d bytes is above the server's message limit of %d MiB (--max_message_mb); "
          "not sent, the rest of the file is imported",
          bytes, max_message_bytes_ >> 20);
      auto* e = summary_.add_errors();
      e->set_index(read.line);
      e->set_code("RESOURCE_EXHAUSTED");
      e->set_message(text);
      AddError(read.line, text);
      continue;
    }
    if (kind_ != RecordKind::kEvent) {
      const google::protobuf::FieldDescriptor* id_field = record->GetDescriptor()->FindFieldByName("id");
      const std::string id = record->GetReflection()->GetString(*record, id_field);
      auto [it, inserted] = first_line_.emplace(id, read.line);
      if (!inserted) {
        ++duplicates_;
        auto* e = summary_.add_errors();
        e->set_index(read.line);
        e->set_id(id);
        e->set_field("id");
        e->set_code("ALREADY_EXISTS");
        e->set_message(absl::StrCat("duplicate id: also on line ", it->second,
                                    "; both are sent and the later line wins"));
        AddError(read.line, absl::StrCat("duplicate id ", id, ": also on line ", it->second,
                                         "; both are sent and the later line wins"));
      }
    }
    if (!Send(*record, read.line)) return false;
    Progress(/*force=*/false);
  }
  return CloseStream();
}

int ImportRun::Finish() {
  if (env_.progress) env_.err() << "\n";
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start_);
  summary_.set_elapsed_seconds(seconds);
  const uint64_t errors = summary_.rejected() + malformed_;
  if (env_.json) {
    // `errors[].index` is the file line here, not the stream position.
    env_.out() << MessageToJson(summary_, /*pretty=*/true) << "\n";
  } else {
    env_.out() << absl::StrFormat(
        "%s: %d lines read, %d committed, %d unchanged, %d rejected "
        "(%d malformed, %d refused by the server), %d duplicate ids, %d batches, %.2f s (%.0f items/s)\n",
        kind_ == RecordKind::kCandidate ? "candidates" : kind_ == RecordKind::kVacancy ? "vacancies" : "events",
        lines_read_,
        summary_.committed(), summary_.unchanged(), errors, malformed_, summary_.rejected(),
        duplicates_, summary_.batches(), seconds, seconds > 0 ? lines_read_ / seconds : 0.0);
  }
  // Malformed lines are found before the server's verdicts on earlier lines: sort by
  // file (in command-line order), then line.
  std::stable_sort(kept_.begin(), kept_.end(), [](const KeptError& a, const KeptError& b) {
    return std::tie(a.file, a.line) < std::tie(b.file, b.line);
  });
  const size_t printed = std::min(kept_.size(), kMaxPrintedErrors);
  for (size_t i = 0; i < printed; ++i) env_.err() << kept_[i].text << "\n";
  // Errors the server did not list (it lists its first 1,000 per stream) count too.
  if (errors + duplicates_ > printed) {
    env_.err() << "... and " << errors + duplicates_ - printed << " more errors\n";
  }
  return errors > 0 || duplicates_ > 0 || file_errors_ > 0 ? kExitError : kExitOk;
}

int RunImport(const ParsedArgs& args, Env& env) {
  const std::string& what = args.positional()[0];
  absl::StatusOr<RecordKind> kind = what == "events" || what == "event" ? RecordKind::kEvent : ParseRecordKind(what);
  if (!kind.ok()) return env.Usage(absl::StrCat(kind.status().message(), " or \"events\""));
  auto chunk = args.GetUint("chunk");
  if (!chunk.ok()) return env.Usage(chunk.status().message());
  const uint64_t chunk_size = chunk->value_or(kDefaultChunk);
  if (chunk_size == 0) return env.Usage("--chunk must be at least 1");
  auto per_message = args.GetUint("records_per_message");
  if (!per_message.ok()) return env.Usage(per_message.status().message());
  const uint64_t records_per_message = per_message->value_or(kDefaultRecordsPerMessage);
  if (records_per_message == 0) return env.Usage("--records_per_message must be at least 1");
  std::vector<std::pair<std::string, FileFormat>> files;
  for (size_t i = 1; i < args.positional().size(); ++i) {
    const std::string& path = args.positional()[i];
    auto format = DetectFormat(path, args.Get("format"));
    if (!format.ok()) return env.Usage(format.status().message());
    files.emplace_back(path, *format);
  }
  auto max_mb = args.GetUint("max_message_mb");
  if (!max_mb.ok()) return env.Usage(max_mb.status().message());
  const uint64_t max_message_mb = max_mb->value_or(kDefaultMaxMessageMb);
  if (max_message_mb == 0 || max_message_mb > 1024) return env.Usage("--max_message_mb must be 1..1024");
  ImportRun run(env, *kind, chunk_size, records_per_message, static_cast<size_t>(max_message_mb) << 20);
  for (const auto& [path, format] : files) {
    if (!run.ImportFile(path, format)) {
      run.Finish();
      return kExitError;
    }
  }
  return run.Finish();
}

}  // namespace

std::vector<Command> ImportCommands() {
  Command import;
  import.spec.path = {"import"};
  import.spec.usage = "candidates|vacancies|events FILE...";
  import.spec.summary =
      "Import candidate profiles or vacancies (CSV or JSON Lines), or outcome events (JSON Lines).";
  import.spec.details =
      "The format follows the extension (.csv, .jsonl) unless --format is given; FILE \"-\"\n"
      "reads standard input (give --format). CSV files start with a header row naming the\n"
      "columns (any order, see docs/formats.md); JSON Lines hold one protobuf JSON object\n"
      "per line. Malformed lines (also text that is not UTF-8) are reported with their\n"
      "line number and skipped; the rest is imported (so is a record too large for one message).\n"
      "Two lines with the same id in one file are\n"
      "reported with both line numbers (both are sent; the later wins). Progress goes to stderr, the\n"
      "summary to stdout. Exit code 1 when any line was malformed, rejected by the server or a\n"
      "duplicate id; 0 when every line landed.\n\n"
      "Examples:\n"
      "  w2w import candidates people.csv\n"
      "  w2w import vacancies uwv-2026-11.jsonl more.csv --chunk 10000\n"
      "  w2w import events outcomes.jsonl   (placements, tracks, follow-ups: docs/outcomes.md)\n"
      "  gunzip -c big.csv.gz | w2w import candidates --format csv -";
  import.spec.flags = {
      {"format", "", "csv|jsonl", "File format (default: from the extension)"},
      {"chunk", "", "N", "Items per stream; each stream is acknowledged (default 50000)"},
      {"records_per_message", "", "N",
       "Items packed per stream message (default 200; 1 = one per message, for servers "
       "before w2w.v1's packed fields)"},
      {"max_message_mb", "", "MB",
       "The server's message limit (its --max_message_mb, default 4): a larger record is "
       "refused here with its line, the rest imported"},
  };
  import.spec.min_positional = 2;
  import.spec.max_positional = -1;
  import.run = RunImport;
  return {import};
}

}  // namespace w2w::cli
