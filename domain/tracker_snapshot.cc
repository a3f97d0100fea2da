// Snapshots of the tracker: Boost.Serialization binary archives behind a small
// header of our own. Boost stays in this file: the domain's headers name no
// archive, and the serialize() functions below are the only ones there are.
//
// Layout of SaveSnapshot's bytes:
//   "DBRFSNAP" | format (u32 LE) | SHA-256 of the policy (32) |
//   payload length (u64 LE) | SHA-256 of the payload (32) | payload
// The payload digest is checked before Boost reads a byte of it, so damaged or
// truncated bytes are refused up front instead of driving the archive into
// huge allocations; the archive still runs under try/catch, and what it
// restored is checked for indexes that point nowhere.
#include "domain/tracker_snapshot.h"

#include <openssl/evp.h>

#include <array>
#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <boost/serialization/map.hpp>
#include <boost/serialization/set.hpp>
#include <boost/serialization/split_free.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/unordered_map.hpp>
#include <boost/serialization/unordered_set.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>
#include <boost/version.hpp>
#include <cstring>
#include <exception>
#include <optional>
#include <stdexcept>
#include <streambuf>

#include "domain/tracker.h"

namespace debriefd {
namespace {

constexpr char kMagic[8] = {'D', 'B', 'R', 'F', 'S', 'N', 'A', 'P'};
constexpr size_t kDigestSize = 32;
constexpr size_t kHeaderSize = sizeof(kMagic) + 4 + kDigestSize + 8 + kDigestSize;
using Digest = std::array<unsigned char, kDigestSize>;

Digest Sha256(std::string_view data) {
  Digest d{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), d.data(), &len, EVP_sha256(), nullptr) != 1 || len != kDigestSize) {
    d.fill(0);  // never matches a real digest: the snapshot is then refused, not trusted
  }
  return d;
}

// Appends what the archive writes to a string, without a stringstream's copies.
class StringSink final : public std::streambuf {
 public:
  explicit StringSink(std::string& out) : out_(out) {}

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    out_.append(s, static_cast<size_t>(n));
    return n;
  }
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof())) out_.push_back(traits_type::to_char_type(c));
    return traits_type::not_eof(c);
  }

 private:
  std::string& out_;
};

// Counts what the archive would write: SaveSnapshot writes twice, once to
// size its buffer exactly, because growing a buffer of hundreds of megabytes
// by doubling costs more (copies, fresh pages) than a second pass.
class CountingSink final : public std::streambuf {
 public:
  size_t size() const { return size_; }

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    size_ += static_cast<size_t>(n);
    return n;
  }
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof())) ++size_;
    return traits_type::not_eof(c);
  }

 private:
  size_t size_ = 0;
};

// Reads the archive straight from the caller's bytes; a read past the end
// comes back short, which the archive reports as an error.
class ViewSource final : public std::streambuf {
 public:
  explicit ViewSource(std::string_view bytes) {
    char* p = const_cast<char*>(bytes.data());  // get area only: never written
    setg(p, p, p + bytes.size());
  }
};

// Archive flags: no locale or codecvt work, which a binary archive never needs.
constexpr unsigned kArchiveFlags = boost::archive::no_codecvt;

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint64_t GetLe(const char* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

}  // namespace

}  // namespace debriefd

// ---------------------------------------------------------------------------
// serialize() for the domain's plain values. Every field is listed: a new
// field of incident.h, event.h, counters.h, changes.h or policy.h belongs here
// too (and raises kTrackerSnapshotFormat), or a restored tracker silently
// loses it.

// Values written without class information or object tracking: they are
// never saved through pointers, and every one skips a per-object lookup.
#define DEBRIEFD_PLAIN_VALUE(T)                                              \
  BOOST_CLASS_IMPLEMENTATION(T, boost::serialization::object_serializable) \
  BOOST_CLASS_TRACKING(T, boost::serialization::track_never)

DEBRIEFD_PLAIN_VALUE(debriefd::AlertInstance)
DEBRIEFD_PLAIN_VALUE(debriefd::ActionItemStep)
DEBRIEFD_PLAIN_VALUE(debriefd::ActionItem)
DEBRIEFD_PLAIN_VALUE(debriefd::Impact)
DEBRIEFD_PLAIN_VALUE(debriefd::Incident)
DEBRIEFD_PLAIN_VALUE(debriefd::DebriefRecord)
DEBRIEFD_PLAIN_VALUE(debriefd::ChangeEvent)
DEBRIEFD_PLAIN_VALUE(debriefd::ChangeFailure)
DEBRIEFD_PLAIN_VALUE(debriefd::Histogram)
DEBRIEFD_PLAIN_VALUE(debriefd::IncidentCounters)
DEBRIEFD_PLAIN_VALUE(debriefd::ActionItemCounters)
DEBRIEFD_PLAIN_VALUE(debriefd::Goals)
DEBRIEFD_PLAIN_VALUE(debriefd::Policy)
DEBRIEFD_PLAIN_VALUE(debriefd::ServiceRule)
DEBRIEFD_PLAIN_VALUE(debriefd::SourceOption)
DEBRIEFD_PLAIN_VALUE(debriefd::OptionalTime)
DEBRIEFD_PLAIN_VALUE(debriefd::SourceSettings)
DEBRIEFD_PLAIN_VALUE(debriefd::Time)
DEBRIEFD_PLAIN_VALUE(debriefd::Duration)

// The same for the standard templates the state is made of.
#define DEBRIEFD_PLAIN_TEMPLATE(PARAMS, T)                                          \
  namespace boost::serialization {                                               \
  template <PARAMS>                                                              \
  struct implementation_level_impl<const T> {                                    \
    typedef mpl::integral_c_tag tag;                                             \
    typedef mpl::int_<object_serializable> type;                                 \
    BOOST_STATIC_CONSTANT(int, value = object_serializable);                     \
  };                                                                             \
  template <PARAMS>                                                              \
  struct tracking_level<T> {                                                     \
    typedef mpl::integral_c_tag tag;                                             \
    typedef mpl::int_<track_never> type;                                         \
    BOOST_STATIC_CONSTANT(int, value = track_never);                             \
  };                                                                             \
  }
#define DEBRIEFD_COMMA ,
DEBRIEFD_PLAIN_TEMPLATE(class A DEBRIEFD_COMMA class B, std::pair<A DEBRIEFD_COMMA B>)
DEBRIEFD_PLAIN_TEMPLATE(class T, std::optional<T>)
DEBRIEFD_PLAIN_TEMPLATE(class T DEBRIEFD_COMMA class A, std::vector<T DEBRIEFD_COMMA A>)
DEBRIEFD_PLAIN_TEMPLATE(class K DEBRIEFD_COMMA class C DEBRIEFD_COMMA class A, std::set<K DEBRIEFD_COMMA C DEBRIEFD_COMMA A>)
DEBRIEFD_PLAIN_TEMPLATE(class K DEBRIEFD_COMMA class V DEBRIEFD_COMMA class C DEBRIEFD_COMMA class A,
                        std::map<K DEBRIEFD_COMMA V DEBRIEFD_COMMA C DEBRIEFD_COMMA A>)
DEBRIEFD_PLAIN_TEMPLATE(class K DEBRIEFD_COMMA class V DEBRIEFD_COMMA class C DEBRIEFD_COMMA class A,
                        std::multimap<K DEBRIEFD_COMMA V DEBRIEFD_COMMA C DEBRIEFD_COMMA A>)
DEBRIEFD_PLAIN_TEMPLATE(class K DEBRIEFD_COMMA class V DEBRIEFD_COMMA class H DEBRIEFD_COMMA class E DEBRIEFD_COMMA
                            class A,
                        std::unordered_map<K DEBRIEFD_COMMA V DEBRIEFD_COMMA H DEBRIEFD_COMMA E DEBRIEFD_COMMA A>)
DEBRIEFD_PLAIN_TEMPLATE(class K DEBRIEFD_COMMA class H DEBRIEFD_COMMA class E DEBRIEFD_COMMA class A,
                        std::unordered_set<K DEBRIEFD_COMMA H DEBRIEFD_COMMA E DEBRIEFD_COMMA A>)

namespace boost::serialization {

// Time and Duration as their count of milliseconds.
template <class Ar>
void save(Ar& ar, const debriefd::Duration& d, unsigned) {
  int64_t ms = d.count();
  ar << ms;
}
template <class Ar>
void load(Ar& ar, debriefd::Duration& d, unsigned) {
  int64_t ms = 0;
  ar >> ms;
  d = debriefd::Duration{ms};
}
template <class Ar>
void serialize(Ar& ar, debriefd::Duration& d, unsigned v) {
  split_free(ar, d, v);
}
template <class Ar>
void save(Ar& ar, const debriefd::Time& t, unsigned) {
  int64_t ms = t.time_since_epoch().count();
  ar << ms;
}
template <class Ar>
void load(Ar& ar, debriefd::Time& t, unsigned) {
  int64_t ms = 0;
  ar >> ms;
  t = debriefd::Time{debriefd::Duration{ms}};
}
template <class Ar>
void serialize(Ar& ar, debriefd::Time& t, unsigned v) {
  split_free(ar, t, v);
}

// std::optional (Boost 1.81 knows only boost::optional): a flag, then the value.
template <class Ar, class T>
void save(Ar& ar, const std::optional<T>& o, unsigned) {
  bool has = o.has_value();
  ar << has;
  if (has) ar << *o;
}
template <class Ar, class T>
void load(Ar& ar, std::optional<T>& o, unsigned) {
  bool has = false;
  ar >> has;
  if (!has) {
    o.reset();
    return;
  }
  T v{};
  ar >> v;
  o = std::move(v);
}
template <class Ar, class T>
void serialize(Ar& ar, std::optional<T>& o, unsigned v) {
  split_free(ar, o, v);
}

// OptionalTime as std::optional<Time> (the same bytes).
template <class Ar>
void save(Ar& ar, const debriefd::OptionalTime& o, unsigned) {
  std::optional<debriefd::Time> v = o;
  ar << v;
}
template <class Ar>
void load(Ar& ar, debriefd::OptionalTime& o, unsigned) {
  std::optional<debriefd::Time> v;
  ar >> v;
  o = v;
}
template <class Ar>
void serialize(Ar& ar, debriefd::OptionalTime& o, unsigned v) {
  split_free(ar, o, v);
}

template <class Ar>
void serialize(Ar& ar, debriefd::AlertInstance& a, unsigned) {
  ar & a.starts_at & a.onset & a.ends_at & a.resolved & a.replaced;
}
template <class Ar>
void serialize(Ar& ar, debriefd::ActionItemStep& s, unsigned) {
  ar & s.kind & s.time;
}
template <class Ar>
void serialize(Ar& ar, debriefd::ActionItem& i, unsigned) {
  ar & i.id & i.incident_id & i.service & i.title & i.url & i.labels & i.source & i.source_service & i.opened_at &
      i.due_at & i.closed_at & i.withdrawn & i.steps;
}
template <class Ar>
void serialize(Ar& ar, debriefd::Impact& i, unsigned) {
  ar & i.customers_affected & i.cost & i.summary;
}
template <class Ar>
void serialize(Ar& ar, debriefd::DebriefRecord& d, unsigned) {
  ar & d.corrected_started_at & d.confirmed_cause_id & d.debrief_completed_at & d.debrief_url & d.debrief_waived_at &
      d.debrief_waive_reason & d.checkpoint_completed_at & d.checkpoint_notes & d.impact & d.action_item_ids;
}
template <class Ar>
void serialize(Ar& ar, debriefd::Incident& i, unsigned) {
  ar & i.id & i.key & i.service & i.severity & i.title & i.environment & i.open & i.aliases;
  ar & i.started_at & i.detected_at & i.declared_at & i.declared_started_at & i.acknowledged_at & i.mitigated_at &
      i.resolved_at & i.human_action & i.declared & i.reopen_count;
  ar & i.alerts & i.detail.sealed();
  // The records after the sealed ones, as one string whatever chunks hold them.
  if constexpr (Ar::is_saving::value) {
    const std::string open = i.detail.OpenRecords();
    ar & open;
  } else {
    std::string open;
    ar & open;
    i.detail.SetOpenRecords(std::move(open));
  }
  ar & i.earliest_onset & i.firing_alerts & i.latest_alert_end;
  // The debrief record when one was written (a flag, then its fields).
  bool has_debrief = i.debrief_record.has_value();
  ar & has_debrief;
  if (has_debrief) ar & i.mutable_debrief();
  ar & i.repeat_of & i.repeat_with_open_items & i.counted;
}
template <class Ar>
void serialize(Ar& ar, debriefd::ChangeEvent& c, unsigned) {
  ar & c.id & c.time & c.service & c.kind & c.environment & c.version & c.description & c.url;
}
template <class Ar>
void serialize(Ar& ar, debriefd::ChangeFailure& f, unsigned) {
  ar & f.change_id & f.service & f.kind & f.confirmed_at;
}
template <class Ar>
void serialize(Ar& ar, debriefd::Histogram& h, unsigned) {
  ar & h.upper_bounds & h.counts & h.sum & h.count;
}
template <class Ar>
void serialize(Ar& ar, debriefd::IncidentCounters& c, unsigned) {
  ar & c.opened & c.repeats & c.counted & c.with_suspected_cause & c.auto_resolved & c.detect_met &
      c.detect_missed & c.fix_met & c.fix_missed & c.debriefs_on_time & c.debriefs_late & c.time_to_detect &
      c.time_to_fix;
}
template <class Ar>
void serialize(Ar& ar, debriefd::ActionItemCounters& c, unsigned) {
  ar & c.closed & c.reopened & c.repeats_with_open_items;
}
template <class Ar>
void serialize(Ar& ar, debriefd::Goals& g, unsigned) {
  ar & g.detect & g.fix;
}
template <class Ar>
void serialize(Ar& ar, debriefd::Policy& p, unsigned) {
  ar & p.goals & p.goals_by_severity & p.group_by & p.service_label & p.severity_label & p.reopen_within &
      p.late_delivery & p.late_copy_within & p.environment_label & p.pending & p.ignore_labels &
      p.max_clock_skew & p.cause_window & p.default_environment;
  ar & p.debrief_required_for & p.debrief_due_within & p.checkpoint_after & p.skip_auto_resolved &
      p.action_item_due_within & p.action_item_label & p.action_item_incident_label &
      p.action_item_incident_pattern & p.repeat_window;
}
template <class Ar>
void serialize(Ar& ar, debriefd::ServiceRule& r, unsigned) {
  ar & r.match & r.service;
}
// Without `line`: where an option stands in the config file changes nothing.
template <class Ar>
void serialize(Ar& ar, debriefd::SourceOption& o, unsigned) {
  ar & o.value & o.map;
}
// Without `secret`: it is checked when a request arrives, never on replay,
// and the key should not carry a digest of it.
template <class Ar>
void serialize(Ar& ar, debriefd::SourceSettings& s, unsigned) {
  ar & s.configured & s.services & s.environments & s.options;
}

}  // namespace boost::serialization

namespace debriefd {

// Everything that reads or writes the tracker's private members.
struct TrackerSnapshotAccess {
  template <class Ar>
  static void Serialize(Ar& ar, ChangeLog& c) {
    ar & c.changes_ & c.by_id_ & c.by_service_ & c.totals_ & c.failed_ & c.failures_ & c.failure_totals_;
  }

  static void Save(boost::archive::binary_oarchive& ar, const IncidentTracker& t) {
    int64_t now = t.now_.time_since_epoch().count();
    ar << now << t.learned_pending_ << t.incidents_ << t.by_id_ << t.latest_by_key_;
    ar << t.alert_index_.Save();
    ar << t.pending_count_ << t.next_generated_id_;
    Serialize(ar, const_cast<ChangeLog&>(t.changes_));
    ar << t.action_items_ << t.item_counters_ << t.counters_;
  }
  static void Load(boost::archive::binary_iarchive& ar, IncidentTracker& t) {
    int64_t now = 0;
    ar >> now >> t.learned_pending_ >> t.incidents_ >> t.by_id_ >> t.latest_by_key_;
    t.now_ = Time{Duration{now}};
    std::string index;
    ar >> index;
    if (!t.alert_index_.Load(index)) throw std::runtime_error("the alert index cannot be read");
    ar >> t.pending_count_ >> t.next_generated_id_;
    Serialize(ar, t.changes_);
    ar >> t.action_items_ >> t.item_counters_ >> t.counters_;
    for (Incident& inc : t.incidents_) t.NumberTallyKey(inc);
  }

  // What the archive restored must not point outside itself: the tracker
  // indexes vectors with these without further checks.
  static Status Validate(const IncidentTracker& t) {
    const size_t n = t.incidents_.size();
    auto bad = [](const std::string& what) { return Status::DataLoss("snapshot: inconsistent: " + what); };
    for (const auto& [id, idx] : t.by_id_) {
      if (idx >= n) return bad("incident id " + id + " points past the incidents");
    }
    for (const auto& [key, idx] : t.latest_by_key_) {
      if (idx >= n) return bad("key " + key + " points past the incidents");
    }
    bool refs_ok = true;
    t.alert_index_.ForEachRef([&](AlertIndex::Ref ref) {
      refs_ok = refs_ok && ref.incident < n && ref.pos < t.incidents_[ref.incident].alerts.size();
    });
    if (!refs_ok) return bad("an alert points past the alerts");
    for (const auto& [at, idx] : t.pending_count_) {
      if (idx >= n) return bad("an incident waiting to be counted is past the incidents");
    }
    const ChangeLog& c = t.changes_;
    for (const auto& [id, idx] : c.by_id_) {
      if (idx >= c.changes_.size()) return bad("change " + id + " points past the changes");
    }
    for (const auto& [service, by_time] : c.by_service_) {
      for (const auto& [at, idx] : by_time) {
        if (idx >= c.changes_.size()) return bad("a change of " + service + " points past the changes");
      }
    }
    for (const auto& [key, counters] : t.counters_) {
      for (const Histogram* h : {&counters.time_to_detect, &counters.time_to_fix}) {
        if (h->upper_bounds != t.bounds_ || h->counts.size() != h->upper_bounds.size() + 1) {
          return bad("a histogram of " + key.first + " has other buckets than the policy's");
        }
      }
    }
    return Status::Ok();
  }
};

namespace {

// The archive of a value, without Boost's own header (the caller's header
// says what follows): for digests of the policy and the sources.
template <class T>
std::string ArchiveOf(const T& value) {
  std::string out;
  StringSink sink(out);
  {
    boost::archive::binary_oarchive ar(sink, kArchiveFlags | boost::archive::no_header);
    ar << value;
  }
  return out;
}

}  // namespace

std::string SnapshotKey(const Policy& policy, const SourceSettingsMap& sources) {
  // Built by appending: GCC 12 warns falsely on a literal + std::to_string.
  std::string text = "debriefd tracker snapshot ";
  text += std::to_string(kTrackerSnapshotFormat);
  text += " boost ";
  text += std::to_string(BOOST_VERSION);
  text += '\n';
  text += ArchiveOf(policy);
  text += ArchiveOf(sources);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string key = "v";
  key += std::to_string(kTrackerSnapshotFormat);
  key += '-';
  for (unsigned char b : Sha256(text)) {
    key += kHex[b >> 4];
    key += kHex[b & 0xf];
  }
  return key;
}

std::string IncidentTracker::SaveSnapshot(std::string_view prefix) const {
  CountingSink counter;
  {
    boost::archive::binary_oarchive ar(counter, kArchiveFlags);
    TrackerSnapshotAccess::Save(ar, *this);
  }
  std::string out;
  out.reserve(prefix.size() + kHeaderSize + counter.size());
  out.append(prefix);
  out.append(kHeaderSize, '\0');  // filled in once the payload is known
  {
    StringSink sink(out);
    boost::archive::binary_oarchive ar(sink, kArchiveFlags);
    TrackerSnapshotAccess::Save(ar, *this);
  }
  const std::string_view payload = std::string_view(out).substr(prefix.size() + kHeaderSize);
  std::string header(kMagic, sizeof(kMagic));
  PutU32(header, kTrackerSnapshotFormat);
  Digest policy = Sha256(ArchiveOf(policy_));
  header.append(reinterpret_cast<const char*>(policy.data()), policy.size());
  PutU64(header, payload.size());
  Digest digest = Sha256(payload);
  header.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  out.replace(prefix.size(), kHeaderSize, header);
  return out;
}

Result<std::unique_ptr<IncidentTracker>> IncidentTracker::RestoreSnapshot(const Policy& policy,
                                                                           std::string_view bytes) {
  if (bytes.size() < kHeaderSize || std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    return Status::DataLoss("snapshot: not a tracker snapshot (" + std::to_string(bytes.size()) + " bytes)");
  }
  const char* p = bytes.data() + sizeof(kMagic);
  const uint64_t format = GetLe(p, 4);
  if (format != kTrackerSnapshotFormat) {
    return Status::FailedPrecondition("", "snapshot: format " + std::to_string(format) + ", this debriefd reads " +
                                              std::to_string(kTrackerSnapshotFormat));
  }
  p += 4;
  if (Digest want = Sha256(ArchiveOf(policy)); std::memcmp(p, want.data(), kDigestSize) != 0) {
    return Status::FailedPrecondition("", "snapshot: saved under another policy");
  }
  p += kDigestSize;
  const uint64_t length = GetLe(p, 8);
  p += 8;
  const std::string_view payload = bytes.substr(kHeaderSize);
  if (length != payload.size()) {
    return Status::DataLoss("snapshot: " + std::to_string(payload.size()) + " bytes of state where " +
                            std::to_string(length) + " were written (truncated or damaged)");
  }
  if (Digest got = Sha256(payload); std::memcmp(p, got.data(), kDigestSize) != 0) {
    return Status::DataLoss("snapshot: damaged (its digest does not match)");
  }
  auto tracker = std::make_unique<IncidentTracker>(policy);
  try {
    ViewSource source(payload);
    boost::archive::binary_iarchive ar(source, kArchiveFlags);
    TrackerSnapshotAccess::Load(ar, *tracker);
  } catch (const std::exception& e) {
    return Status::DataLoss(std::string("snapshot: cannot be read: ") + e.what());
  }
  if (Status s = TrackerSnapshotAccess::Validate(*tracker); !s.ok()) return s;
  // Saved while its owner had yet to seal them (DeferSeals): listed again,
  // not sealed here, so that a start does not wait for them.
  for (size_t i = 0; i < tracker->incidents_.size(); ++i) {
    const Incident& inc = tracker->incidents_[i];
    if (inc.counted && !inc.detail.is_sealed() && inc.detail.open_size() > 0) tracker->unsealed_.push_back(i);
  }
  return tracker;
}

}  // namespace debriefd
