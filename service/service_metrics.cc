#include "service/service_metrics.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/common/memory.h"
#include "google/protobuf/descriptor.h"

namespace w2w::service {
namespace {

// The services whose methods get their own series (every one the server registers).
constexpr const char* kServices[] = {
    "w2w.v1.CandidateService", "w2w.v1.VacancyService",  "w2w.v1.MatchService",
    "w2w.v1.RematchService",   "w2w.v1.PolicyService",   "w2w.v1.TaxonomyService",
    "w2w.v1.ServerInfoService", "w2w.v1.AccessService",  "w2w.v1.AuditService",
    "w2w.v1.PrivacyService",   "w2w.v1.OutcomeService",  "w2w.v1.ReportService",
    "w2w.v1.AdminService",
};
// gRPC's own services, not in our descriptor pool.
constexpr const char* kGrpcMethods[] = {
    "grpc.health.v1.Health/Check",
    "grpc.health.v1.Health/Watch",
    "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
};

std::string CodeName(int code) {
  if (code < 0 || code > 16) return absl::StrCat(code);
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

double Seconds(absl::Duration d) { return absl::ToDoubleSeconds(d); }

}  // namespace

ServiceMetrics::ServiceMetrics(const Engine* engine) {
  calls_ = registry_.AddCounter("w2w_rpc_calls_total",
                                "RPCs finished, by method and gRPC status code.",
                                {"method", "code"});
  durations_ = registry_.AddHistogram(
      "w2w_rpc_duration_seconds",
      "RPC latency from the call's arrival to its status, by method (streams: their whole life).",
      {"method"}, metrics::LatencySecondsBounds());
  registry_.AddGauge("w2w_rpc_in_flight", "RPCs running now, by method.", {"method"},
                     [this](metrics::GaugeSink& sink) {
                       for (const auto& method : methods_) {
                         const int64_t n = method->in_flight.load(std::memory_order_relaxed);
                         if (n != 0) sink.Set({method->name}, static_cast<double>(n));
                       }
                     });
  rematch_runs_ = registry_.AddCounter(
      "w2w_rematch_runs_total",
      "StartRematch runs ended, by outcome (the gRPC status code of the stream).", {"outcome"});
  rematch_duration_ = registry_
                          .AddHistogram("w2w_rematch_duration_seconds",
                                        "Duration of StartRematch runs, start to summary.", {},
                                        metrics::ExponentialBounds(0.01, 2, 16))
                          ->With({});
  import_items_ = registry_.AddCounter(
      "w2w_import_items_total",
      "Items of import streams (ImportCandidates, PushVacancies, ImportEvents) by result.",
      {"kind", "result"});
  import_rejects_ = registry_.AddCounter(
      "w2w_import_rejects_total", "Rejected import items, by kind and reason (status code).",
      {"kind", "code"});

  registry_.AddGauge("w2w_index_records", "Records in the matching index.", {"kind"},
                     [engine](metrics::GaugeSink& sink) {
                       const v1::ServerInfo info = engine->Info();
                       sink.Set({"candidates"}, static_cast<double>(info.candidates()));
                       sink.Set({"vacancies"}, static_cast<double>(info.vacancies()));
                       sink.Set({"open_vacancies"}, static_cast<double>(info.open_vacancies()));
                       sink.Set({"outcome_events"}, static_cast<double>(info.outcome_events()));
                     });
  registry_.AddGauge("w2w_index_bytes", "Memory held by the in-memory indexes.", {"index"},
                     [engine](metrics::GaugeSink& sink) {
                       const v1::ServerInfo info = engine->Info();
                       sink.Set({"matching"}, static_cast<double>(info.index_bytes()));
                       sink.Set({"outcomes"}, static_cast<double>(info.outcome_log_bytes()));
                     });
  registry_.AddGauge("w2w_disk_free_bytes", "Free bytes on the data folder's file system.", {},
                     [engine](metrics::GaugeSink& sink) {
                       sink.Set(static_cast<double>(engine->Info().disk_free_bytes()));
                     });
  registry_.AddGauge("w2w_uptime_seconds", "Seconds since the engine opened.", {},
                     [engine](metrics::GaugeSink& sink) {
                       sink.Set(engine->Info().uptime_seconds());
                     });
  registry_.AddGauge("w2w_resident_bytes", "Resident memory of the server process (VmRSS).", {},
                     [](metrics::GaugeSink& sink) {
                       sink.Set(static_cast<double>(memory::ResidentBytes()));
                     });
  registry_.AddGauge(
      "w2w_store_bytes", "RocksDB sizes: SST files (live, total) and memtables.", {"what"},
      [engine](metrics::GaugeSink& sink) {
        const StoreHealth health = engine->ReadStoreHealth();
        sink.Set({"live_sst"}, static_cast<double>(health.live_sst_bytes));
        sink.Set({"total_sst"}, static_cast<double>(health.total_sst_bytes));
        sink.Set({"memtables"}, static_cast<double>(health.memtable_bytes));
      });
  registry_.AddGauge(
      "w2w_store_compaction",
      "RocksDB compaction: pending (1/0), bytes pending, compactions and flushes running.",
      {"what"}, [engine](metrics::GaugeSink& sink) {
        const StoreHealth health = engine->ReadStoreHealth();
        sink.Set({"pending"}, health.compaction_pending ? 1 : 0);
        sink.Set({"pending_bytes"}, static_cast<double>(health.pending_compaction_bytes));
        sink.Set({"running"}, static_cast<double>(health.running_compactions));
        sink.Set({"flushes_running"}, static_cast<double>(health.running_flushes));
      });
  registry_.AddGauge(
      "w2w_store_write_stall",
      "RocksDB write stall: stopped (1/0) and the delayed write rate in bytes/s (0 = none).",
      {"what"}, [engine](metrics::GaugeSink& sink) {
        const StoreHealth health = engine->ReadStoreHealth();
        sink.Set({"stopped"}, health.write_stopped ? 1 : 0);
        sink.Set({"delayed_write_rate"}, static_cast<double>(health.delayed_write_rate));
      });
  registry_.AddGauge(
      "w2w_store_disk_full",
      "Full disk: read_only (1 when the store opened read-only because the disk was full at "
      "start; writes refused until a restart) and resumes (times writes came back after a "
      "full disk without a restart).",
      {"what"}, [engine](metrics::GaugeSink& sink) {
        const StoreHealth health = engine->ReadStoreHealth();
        sink.Set({"read_only"}, health.read_only ? 1 : 0);
        sink.Set({"resumes"}, static_cast<double>(health.disk_full_resumes));
      });
  registry_.AddGauge("w2w_store_keys", "Estimated keys per RocksDB column family.", {"family"},
                     [engine](metrics::GaugeSink& sink) {
                       for (const auto& [family, keys] : engine->ReadStoreHealth().estimated_keys) {
                         sink.Set({family}, static_cast<double>(keys));
                       }
                     });

  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const char* service_name : kServices) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(service_name);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      AddMethod(absl::StrCat(service_name, "/", service->method(i)->name()));
    }
  }
  for (const char* name : kGrpcMethods) AddMethod(name);
  other_ = AddMethod("other");
}

ServiceMetrics::Method* ServiceMetrics::AddMethod(std::string name) {
  auto method = std::make_unique<Method>();
  method->name = std::move(name);
  Method* raw = method.get();
  by_name_[absl::StrCat("/", raw->name)] = raw;
  methods_.push_back(std::move(method));
  return raw;
}

ServiceMetrics::Method* ServiceMetrics::ForMethod(std::string_view full_method) {
  auto it = by_name_.find(absl::string_view(full_method.data(), full_method.size()));
  return it == by_name_.end() ? other_ : it->second;
}

void ServiceMetrics::CallFinished(Method* method, int grpc_code, absl::Duration elapsed) {
  method->in_flight.fetch_sub(1, std::memory_order_relaxed);
  metrics::Histogram* latency = method->latency.load(std::memory_order_acquire);
  if (latency == nullptr) {  // Series appear with their first call, so /metrics stays short.
    latency = durations_->With({method->name});
    method->latency.store(latency, std::memory_order_release);
  }
  latency->Observe(Seconds(elapsed));
  const size_t slot = grpc_code >= 0 && grpc_code < 17 ? static_cast<size_t>(grpc_code) : 2;
  metrics::Counter* counter = method->by_code[slot].load(std::memory_order_acquire);
  if (counter == nullptr) {
    // Racing first calls get the same series from the family.
    counter = calls_->With({method->name, CodeName(static_cast<int>(slot))});
    method->by_code[slot].store(counter, std::memory_order_release);
  }
  counter->Add();
}

void ServiceMetrics::RematchFinished(const absl::Status& status, absl::Duration elapsed) {
  rematch_runs_->With({absl::StatusCodeToString(status.code())})->Add();
  rematch_duration_->Observe(Seconds(elapsed));
}

void ServiceMetrics::ImportFinished(std::string_view kind, const v1::ImportSummary& summary) {
  const std::string k(kind);
  import_items_->With({k, "received"})->Add(summary.received());
  import_items_->With({k, "committed"})->Add(summary.committed());
  import_items_->With({k, "unchanged"})->Add(summary.unchanged());
  import_items_->With({k, "rejected"})->Add(summary.rejected());
  // The listed errors carry the reasons; past the listing limit the rest count as
  // "unlisted" so the reasons always add up to `rejected`.
  uint64_t listed = 0;
  for (const v1::ItemError& error : summary.errors()) {
    import_rejects_->With({k, error.code().empty() ? "UNKNOWN" : error.code()})->Add();
    ++listed;
  }
  if (summary.rejected() > listed) {
    import_rejects_->With({k, "unlisted"})->Add(summary.rejected() - listed);
  }
}

}  // namespace w2w::service
