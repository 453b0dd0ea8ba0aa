// The web page's static files (service/web/assets/ and Debian's Chart.js), compiled into
// the binary by embed_assets.py at build time, so the page needs no file on disk and
// nothing from the internet.
#ifndef W2W_SERVICE_WEB_ASSETS_H_
#define W2W_SERVICE_WEB_ASSETS_H_

#include <string_view>

namespace w2w::service::web {

struct Asset {
  std::string_view name;          // "app.js", served at /assets/app.js.
  std::string_view content_type;  // "text/javascript; charset=utf-8".
  std::string_view body;
  std::string_view etag;          // A hash of the body.
};

// The asset called `name`, or nullptr.
const Asset* FindAsset(std::string_view name);

}  // namespace w2w::service::web

#endif  // W2W_SERVICE_WEB_ASSETS_H_
