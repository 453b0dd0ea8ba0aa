// outcomes.jsonl (formats/outcome_events.h): every body survives the writer and the reader
// unchanged, the output fields are neither written nor kept, and a line without an
// event_id or a body is refused naming the field.
#include <sstream>
#include <string>
#include <vector>

#include "formats/outcome_events.h"
#include "formats/record_reader.h"
#include "formats/record_writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace w2w::formats {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<v1::OutcomeEvent> OneOfEach() {
  std::vector<v1::OutcomeEvent> events(5);
  events[0].set_event_id("ev-0000001");
  v1::StatusChangeEvent* s = events[0].mutable_status_change();
  s->set_candidate_id("c0000001");
  s->set_from(v1::CANDIDATE_STATUS_EMPLOYED);
  s->set_to(v1::CANDIDATE_STATUS_AT_RISK);
  s->set_date("2026-02-03");
  events[1].set_event_id("ev-0000002");
  v1::TrackEvent* t = events[1].mutable_track();
  t->set_track_id("tr-0000001");
  t->set_candidate_id("c0000001");
  t->set_qualification("VCA-VOL");
  t->set_provider("ROC \"Techniek\", Oost");
  t->set_start_date("2026-02-10");
  t->set_cost_eur(950);
  t->set_result(v1::TRACK_RESULT_COMPLETED);
  t->set_end_date("2026-03-01");
  events[2].set_event_id("ev-0000003");
  v1::PlacementEvent* p = events[2].mutable_placement();
  p->set_candidate_id("c0000001");
  v1::ExternalJob* job = p->mutable_external();
  job->set_employer_id("ext-00042");
  job->set_trade("7212.1");
  job->set_sector(v1::SECTOR_INST);
  job->set_region("Twente");
  job->set_hard_to_fill(true);
  p->set_start_date("2026-03-02");
  p->add_retrained_qualifications("VCA-VOL");
  p->set_channel(v1::PLACEMENT_CHANNEL_OTHER);
  events[3].set_event_id("ev-0000004");
  v1::FollowUpEvent* f = events[3].mutable_follow_up();
  f->set_placement_event_id("ev-0000003");
  f->set_months(6);
  f->set_in_work(true);
  f->set_date("2026-09-01");
  events[4].set_event_id("ev-0000005");
  events[4].mutable_cancellation()->set_cancelled_event_id("ev-0000004");
  events[4].mutable_cancellation()->set_reason("wrong date");
  return events;
}

TEST(OutcomeEventsTest, EveryBodyRoundTripsThroughTheFile) {
  std::string file;
  for (const v1::OutcomeEvent& e : OneOfEach()) ASSERT_TRUE(AppendOutcomeEventJsonLine(e, &file).ok());
  EXPECT_THAT(file, HasSubstr(R"({"event_id":"ev-0000001","status_change":{"candidate_id":"c0000001",)"
                              R"("from":"CANDIDATE_STATUS_EMPLOYED","to":"CANDIDATE_STATUS_AT_RISK",)"
                              R"("date":"2026-02-03"}})"
                              "\n"));
  std::istringstream in(file);
  auto reader = RecordReader::Create(&in, FileFormat::kJsonl, RecordKind::kEvent);
  ASSERT_TRUE(reader.ok()) << reader.status();
  std::vector<v1::OutcomeEvent> back;
  v1::OutcomeEvent event;
  ReadRecord record;
  while ((*reader)->Next(&event, &record)) {
    ASSERT_TRUE(record.status.ok()) << record.line << ": " << record.status;
    back.push_back(event);
  }
  const std::vector<v1::OutcomeEvent> want = OneOfEach();
  ASSERT_EQ(back.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(back[i].SerializeAsString(), want[i].SerializeAsString()) << i;
}

TEST(OutcomeEventsTest, WritesTheBytesOfProtobufsPrinter) {
  std::vector<v1::OutcomeEvent> events = OneOfEach();
  std::string every_ascii;
  for (int c = 1; c < 0x80; ++c) every_ascii.push_back(static_cast<char>(c));
  events[1].mutable_track()->set_provider(every_ascii);
  events[4].mutable_cancellation()->set_reason("Twent\xc3\xa9 \xe2\x82\xac 5");
  events[2].mutable_placement()->clear_external();
  events[2].mutable_placement()->set_vacancy_id("v000001");
  events[2].mutable_placement()->set_rematch_run_id("r-1");
  v1::OutcomeEvent empty_body;
  empty_body.set_event_id("ev-9");
  empty_body.mutable_follow_up();
  events.push_back(empty_body);
  for (const v1::OutcomeEvent& e : events) {
    std::string fast, reference;
    ASSERT_TRUE(AppendOutcomeEventJsonLine(e, &fast).ok());
    ASSERT_TRUE(AppendJsonLine(e, &reference).ok());
    EXPECT_EQ(fast, reference);
  }
}

TEST(OutcomeEventsTest, OutputFieldsAreNeitherWrittenNorKept) {
  v1::OutcomeEvent listed = OneOfEach()[2];
  listed.set_candidate_id("c0000001");
  listed.set_seq(17);
  listed.set_region("Twente");
  listed.set_recorded_by("system");
  listed.mutable_placement()->set_previous_status(v1::CANDIDATE_STATUS_AT_RISK);
  std::string line;
  ASSERT_TRUE(AppendOutcomeEventJsonLine(listed, &line).ok());
  EXPECT_THAT(line, Not(HasSubstr("seq")));
  EXPECT_THAT(line, Not(HasSubstr("previous_status")));
  // As `w2w events --json` prints it: read back without the outputs.
  v1::OutcomeEvent back;
  ASSERT_TRUE(OutcomeEventFromJson(MessageToJson(listed, false), &back).ok());
  EXPECT_EQ(back.SerializeAsString(), OneOfEach()[2].SerializeAsString());
}

TEST(OutcomeEventsTest, MalformedLinesNameTheField) {
  v1::OutcomeEvent event;
  absl::Status no_id = OutcomeEventFromJson(R"({"follow_up":{"months":6}})", &event);
  EXPECT_EQ(no_id.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(no_id.message(), HasSubstr("event_id"));
  absl::Status no_body = OutcomeEventFromJson(R"({"event_id":"ev-1"})", &event);
  EXPECT_THAT(no_body.message(), HasSubstr("body"));
  EXPECT_FALSE(OutcomeEventFromJson(R"({"event_id":"ev-1","colour":"red"})", &event).ok());
  EXPECT_FALSE(OutcomeEventFromJson(
                   R"({"event_id":"ev-1","follow_up":{"months":6},"cancellation":{"cancelled_event_id":"x"}})", &event)
                   .ok());
  // Events are JSON Lines only.
  std::istringstream csv("event_id\nev-1\n");
  EXPECT_FALSE(RecordReader::Create(&csv, FileFormat::kCsv, RecordKind::kEvent).ok());
}

}  // namespace
}  // namespace w2w::formats
