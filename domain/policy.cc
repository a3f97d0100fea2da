#include "domain/policy.h"

#include <algorithm>

namespace debriefd {

bool Policy::DebriefRequiredFor(const std::string& severity) const {
  return debrief_required_for.empty() ||
         std::find(debrief_required_for.begin(), debrief_required_for.end(), severity) !=
             debrief_required_for.end();
}

}  // namespace debriefd
