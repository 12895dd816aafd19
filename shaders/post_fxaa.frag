#version 330
// FXAA (after Lottes' FXAA 3.11 "PC console" variant), drawn as two full-screen passes
// into the window (sandbox/view/post.py). The pixel is on an edge where the luma range
// of it and its 4 diagonal neighbours is large enough. EDGES, the first pass, copies the
// composite and marks its edge pixels in the depth buffer (0; others 1). The second, FXAA
// proper, is depth-tested against that mark, so it runs on edge pixels only: llvmpipe
// skips a block's shader when the early depth test passes none of its pixels, and only
// 7-35% of a finale frame's blocks hold an edge. There the diagonal lumas give the
// edge's direction; two and four taps along it are blended, the four-tap result kept
// unless it leaves the local luma range. Input: the composite with luma in alpha,
// display-referred, this pass's size. The pixel and its neighbours are read unfiltered
// (texelFetch: half the cost of a filtered tap on a software rasteriser); only the taps
// along the edge need the filter.
uniform sampler2D u_src;
uniform vec2 u_texel;          // 1 / frame size in pixels
in vec2 v_uv;
out vec4 o_color;

const float REDUCE_MUL = 1.0 / 8.0;
const float REDUCE_MIN = 1.0 / 128.0;
const float SPAN_MAX = 8.0;

void main() {
    ivec2 p = ivec2(gl_FragCoord.xy);
    ivec2 last = textureSize(u_src, 0) - 1;   // neighbours off the frame: its edge pixels
    vec4 m = texelFetch(u_src, p, 0);
    float nw = texelFetch(u_src, clamp(p + ivec2(-1, -1), ivec2(0), last), 0).a;
    float ne = texelFetch(u_src, clamp(p + ivec2( 1, -1), ivec2(0), last), 0).a;
    float sw = texelFetch(u_src, clamp(p + ivec2(-1,  1), ivec2(0), last), 0).a;
    float se = texelFetch(u_src, clamp(p + ivec2( 1,  1), ivec2(0), last), 0).a;
    float lo = min(m.a, min(min(nw, ne), min(sw, se)));
    float hi = max(m.a, max(max(nw, ne), max(sw, se)));
#ifdef EDGES
    o_color = vec4(m.rgb, 1.0);
    gl_FragDepth = hi - lo < max(0.0312, hi * 0.125) ? 1.0 : 0.0;
#else
    vec2 dir = vec2(-((nw + ne) - (sw + se)), (nw + sw) - (ne + se));
    float reduce = max((nw + ne + sw + se) * 0.25 * REDUCE_MUL, REDUCE_MIN);
    float scale = 1.0 / (min(abs(dir.x), abs(dir.y)) + reduce);
    dir = clamp(dir * scale, vec2(-SPAN_MAX), vec2(SPAN_MAX)) * u_texel;

    vec4 a = 0.5 * (texture(u_src, v_uv + dir * (1.0 / 3.0 - 0.5))
                  + texture(u_src, v_uv + dir * (2.0 / 3.0 - 0.5)));
    vec4 b = 0.5 * a + 0.25 * (texture(u_src, v_uv - dir * 0.5)
                             + texture(u_src, v_uv + dir * 0.5));
    o_color = vec4((b.a < lo || b.a > hi) ? a.rgb : b.rgb, 1.0);
#endif
}
