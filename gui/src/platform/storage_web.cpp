// The browser's store: an IndexedDB database "digitlab" with one object
// store of byte arrays by name. Requests are numbered; the database answers
// through digitlab_storage_done(), and poll_storage() hands the answers to
// the app between frames.
#include <emscripten.h>

#include <deque>
#include <map>

#include "platform/storage.h"

namespace digitlab::gui {
namespace {

struct Pending {
  StorageWritten written;
  StorageRead read;
};
std::map<int, Pending> pending;
int next_request = 1;
struct Answer {
  int request;
  std::optional<std::vector<std::uint8_t>> bytes;
  std::string error;
};
std::deque<Answer> answers;

// The database opens once; a request made before that waits for it, one
// made later starts its transaction at once (which matters in pagehide).
void ensure_database() {
  EM_ASM({
    if (Module['digitlabDb']) return;
    // Hands an answer to digitlab_storage_done, through the heap.
    Module['digitlabStorageReply'] = (id, bytes, error) => {
      const size = bytes ? bytes.length : 0;
      const data = size ? Module['_malloc'](size) : 0;
      if (size) HEAPU8.set(bytes, data);
      const text = String(error || "");
      const length = lengthBytesUTF8(text) + 1;
      const message = Module['_malloc'](length);
      stringToUTF8(text, message, length);
      Module['_digitlab_storage_done'](id, data, size, bytes ? 1 : 0, message);
      if (data) Module['_free'](data);
      Module['_free'](message);
    };
    Module['digitlabDb'] = new Promise((resolve, reject) => {
      const open = indexedDB.open('digitlab', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('kv');
      open.onsuccess = () => { Module['digitlabDbOpen'] = open.result; resolve(open.result); };
      open.onerror = () => reject(open.error);
    });
  });
}

int start(Pending p) {
  ensure_database();
  const int id = next_request++;
  pending[id] = std::move(p);
  return id;
}

}  // namespace

void open_storage(const std::string&) { ensure_database(); }

void storage_write(const std::string& name, std::vector<std::uint8_t> bytes, StorageWritten done) {
  if (!valid_storage_name(name)) return answers.push_back({start({done, {}}), std::nullopt, "bad storage name '" + name + "'"});
  const int id = start({std::move(done), {}});
  EM_ASM(
      {
        const bytes = HEAPU8.slice($1, $1 + $2);
        const name = UTF8ToString($3);
        const reply = (error) => Module['digitlabStorageReply']($0, null, error);
        const put = (db) => {
          const tx = db.transaction('kv', 'readwrite');
          tx.objectStore('kv').put(bytes, name);
          tx.oncomplete = () => reply("");
          tx.onerror = () => reply(String(tx.error));
          tx.onabort = () => reply(String(tx.error || 'aborted'));
        };
        if (Module['digitlabDbOpen']) put(Module['digitlabDbOpen']);
        else Module['digitlabDb'].then(put, (e) => reply(String(e)));
      },
      id, bytes.data(), bytes.size(), name.c_str());
}

void storage_read(const std::string& name, StorageRead done) {
  if (!valid_storage_name(name)) return answers.push_back({start({{}, done}), std::nullopt, "bad storage name '" + name + "'"});
  const int id = start({{}, std::move(done)});
  EM_ASM(
      {
        const name = UTF8ToString($1);
        const reply = (bytes, error) => Module['digitlabStorageReply']($0, bytes, error);
        Module['digitlabDb'].then((db) => {
          const get = db.transaction('kv', 'readonly').objectStore('kv').get(name);
          get.onsuccess = () => reply(get.result instanceof Uint8Array ? get.result : null, "");
          get.onerror = () => reply(null, String(get.error));
        }, (e) => reply(null, String(e)));
      },
      id, name.c_str());
}

void storage_remove(const std::string& name, StorageWritten done) {
  const int id = start({std::move(done), {}});
  EM_ASM(
      {
        const name = UTF8ToString($1);
        const reply = (error) => Module['digitlabStorageReply']($0, null, error);
        Module['digitlabDb'].then((db) => {
          const tx = db.transaction('kv', 'readwrite');
          tx.objectStore('kv').delete(name);
          tx.oncomplete = () => reply("");
          tx.onerror = () => reply(String(tx.error));
        }, (e) => reply(null, String(e)));
      },
      id, name.c_str());
}

void poll_storage() {
  while (!answers.empty()) {
    Answer answer = std::move(answers.front());
    answers.pop_front();
    const auto it = pending.find(answer.request);
    if (it == pending.end()) continue;
    Pending p = std::move(it->second);
    pending.erase(it);
    if (p.written) p.written(answer.error);
    if (p.read) p.read(std::move(answer.bytes), answer.error);
  }
}

}  // namespace digitlab::gui

// The database's answer to request `id`: bytes (copied into the heap by the
// page and freed after the call) for a read that found something.
extern "C" EMSCRIPTEN_KEEPALIVE void digitlab_storage_done(int id, const std::uint8_t* data, int size, int found,
                                                           const char* error) {
  std::optional<std::vector<std::uint8_t>> bytes;
  if (found) bytes.emplace(data, data + size);
  digitlab::gui::answers.push_back({id, std::move(bytes), error ? error : ""});
}
