# The browser app, twice:
#  - digitlab.js: pthreads (the trainer on its own Web Worker); needs a
#    cross-origin isolated page (COOP/COEP), as digitlab-server serves it.
#  - digitlab-st.js: the same sources compiled and linked without -pthread,
#    for pages that cannot be isolated (a plain static host): without
#    SharedArrayBuffer a pthreads build cannot even start. The trainer then
#    runs in slices of the main loop. index.html picks one at load time.

set(web_link_options
  -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2
  -sALLOW_MEMORY_GROWTH=1 -sFETCH=1
  "-sEXPORTED_FUNCTIONS=_main,_digitlab_state_json,_digitlab_file_uploaded,_digitlab_page_leave,_digitlab_storage_done,_malloc,_free"
  "-sEXPORTED_RUNTIME_METHODS=ccall"
)

# The font travels inside the first download, so it is cut down to the
# glyphs the interface writes (fonttools' pyftsubset, Debian's fonttools):
# about 30 KB instead of 760 KB. Without pyftsubset the whole font goes in.
find_program(PYFTSUBSET pyftsubset)
set(web_font "${DIGITLAB_GUI_FONT}")
if(PYFTSUBSET AND EXISTS "${DIGITLAB_GUI_FONT}")
  set(web_font "${CMAKE_CURRENT_BINARY_DIR}/DejaVuSans-subset.ttf")
  set(unicodes "")
  set(pairs ${gui_glyph_ranges})
  while(pairs)
    list(POP_FRONT pairs first last)
    string(REPLACE "0x" "U+" first "${first}")
    string(REPLACE "0x" "" last "${last}")
    list(APPEND unicodes "${first}-${last}")
  endwhile()
  list(JOIN unicodes "," unicodes)
  add_custom_command(OUTPUT "${web_font}"
    COMMAND ${PYFTSUBSET} "${DIGITLAB_GUI_FONT}" --unicodes=${unicodes} --layout-features=kern
            --no-hinting --desubroutinize "--output-file=${web_font}"
    DEPENDS "${DIGITLAB_GUI_FONT}"
    COMMENT "cutting the web font down to the interface's glyphs")
  add_custom_target(digitlab_web_font DEPENDS "${web_font}")
elseif(EXISTS "${DIGITLAB_GUI_FONT}")
  message(WARNING "pyftsubset (Debian fonttools) not found: the web app embeds the whole font")
endif()
if(EXISTS "${DIGITLAB_GUI_FONT}")
  list(APPEND web_link_options "--embed-file" "${web_font}@/fonts/DejaVuSans.ttf")
endif()
list(TRANSFORM platform_parts REPLACE "(.+)" "src/platform/\\1_web.cpp" OUTPUT_VARIABLE web_platform)
set(web_sources ${app_sources} ${web_platform})

function(add_web_app name)
  add_executable(${name} ${web_sources})
  target_compile_options(${name} PRIVATE -Wall -Wextra)
  target_compile_definitions(${name} PRIVATE DIGITLAB_GUI_GLYPHS=${gui_glyphs})
  target_link_options(${name} PRIVATE ${web_link_options} ${ARGN})
  set_target_properties(${name} PROPERTIES SUFFIX ".js" RUNTIME_OUTPUT_DIRECTORY "${DIGITLAB_WEB_OUT}")
  if(TARGET digitlab_web_font)
    add_dependencies(${name} digitlab_web_font)
    set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS "${web_font}")
  endif()
endfunction()

add_web_app(digitlab -sUSE_PTHREADS=1 -sPTHREAD_POOL_SIZE=2)
target_link_libraries(digitlab PRIVATE digitlab_gui_logic digitlab_imgui Threads::Threads)
# The page is ours (the HTML minifier of em++ crashes at -O2): copy it next
# to the script on every build so edits to assets/ show up.
add_custom_command(TARGET digitlab POST_BUILD
  COMMAND ${CMAKE_COMMAND} -E copy_if_different "${CMAKE_CURRENT_SOURCE_DIR}/../assets/index.html"
          "${DIGITLAB_WEB_OUT}/index.html")

# --- Single-threaded twins ---------------------------------------------------
# The top-level build adds -pthread to every target; the twins drop it.
function(drop_pthread target)
  foreach(property COMPILE_OPTIONS LINK_OPTIONS)
    get_target_property(options ${target} ${property})
    if(options)
      list(REMOVE_ITEM options -pthread)
      set_property(TARGET ${target} PROPERTY ${property} "${options}")
    endif()
  endforeach()
endfunction()

# A static library with the sources, include directories, definitions and
# options of `target`, linking `links` instead of the threaded libraries.
function(add_single_thread_twin target twin links)
  get_target_property(dir ${target} SOURCE_DIR)
  get_target_property(sources ${target} SOURCES)
  list(TRANSFORM sources PREPEND "${dir}/" REGEX "^[^/]")
  add_library(${twin} STATIC ${sources})
  foreach(property INCLUDE_DIRECTORIES INTERFACE_INCLUDE_DIRECTORIES INTERFACE_SYSTEM_INCLUDE_DIRECTORIES
                   COMPILE_DEFINITIONS INTERFACE_COMPILE_DEFINITIONS COMPILE_OPTIONS)
    get_target_property(value ${target} ${property})
    if(value)
      set_property(TARGET ${twin} PROPERTY ${property} "${value}")
    endif()
  endforeach()
  target_link_libraries(${twin} PUBLIC ${links})
  drop_pthread(${twin})
endfunction()

# SDL2 without threads, built once by scripts/setup.sh into the cache.
set(sdl2_web_st "${DIGITLAB_CACHE}/sdl2-web-st-2.26.5")
if(NOT EXISTS "${sdl2_web_st}/lib/libSDL2.a")
  message(FATAL_ERROR "single-thread SDL2 for the web not found in ${sdl2_web_st}: run scripts/setup.sh")
endif()
add_library(digitlab_sdl2_st INTERFACE)
target_include_directories(digitlab_sdl2_st SYSTEM INTERFACE "${sdl2_web_st}/include/SDL2")
target_link_libraries(digitlab_sdl2_st INTERFACE "${sdl2_web_st}/lib/libSDL2.a")
add_single_thread_twin(digitlab_imgui digitlab_imgui_st digitlab_sdl2_st)

add_single_thread_twin(digitlab_core digitlab_core_st digitlab_headers)
add_single_thread_twin(digitlab_gui_logic digitlab_gui_logic_st "digitlab_core_st;digitlab_headers")
add_web_app(digitlab-st)
target_link_libraries(digitlab-st PRIVATE digitlab_gui_logic_st digitlab_imgui_st)
drop_pthread(digitlab-st)
add_dependencies(digitlab digitlab-st)  # one build target gives the whole web app
