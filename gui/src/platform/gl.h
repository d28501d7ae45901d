// The OpenGL header of this build: OpenGL 3 natively, WebGL 2 (GLES 3) in
// the browser. ImGui's renderer and our textures use the calls both share.
#pragma once
#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#else
#include <SDL_opengl.h>
#endif
