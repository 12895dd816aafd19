#version 330
// The chain's last colour pass: scene (linear HDR, exposure applied) + bloom -> filmic
// tone map -> the time of day's grade (display gamma, contrast, saturation,
// lift/gamma/gain: one lookup in a 3D table that sandbox/view/post.py bakes from the
// preset, indexed by the square root of the tone-mapped colour) -> vignette -> film
// grain (GRAIN: the variant with grain). Writes display-referred RGB; with FXAA on, luma
// goes to alpha for the FXAA pass (post_fxaa.frag). The table replaces a dozen pow() per
// pixel, the costliest part of this pass on a software rasteriser.
#include "common.glsl"

uniform sampler2D u_scene;
uniform sampler2D u_bloom;       // blurred bright pass, linear HDR, smaller
uniform sampler3D u_grade;       // display RGB of each sqrt(tone-mapped linear RGB)
uniform float u_grade_size;      // texels per side of u_grade
uniform float u_bloom_intensity; // 0 = no bloom
uniform float u_vignette;        // corner darkening, 0..1
uniform float u_aspect;          // width / height
#ifdef GRAIN
uniform float u_grain;           // grain amplitude in display units
uniform vec2 u_grain_offset;     // per-frame offset of the noise, from scene time
#endif
in vec2 v_uv;
out vec4 o_color;

const vec3 LUMA = vec3(0.2126, 0.7152, 0.0722);

#ifdef GRAIN
// Integer hash (PCG-like) of a pixel: uniform in [0, 1), exact on every GL.
float hash(uvec2 p) {
    uint v = p.x * 1664525u + p.y * 1013904223u;
    v ^= v >> 16; v *= 0x7feb352du; v ^= v >> 15; v *= 0x846ca68bu; v ^= v >> 16;
    return float(v >> 8) * (1.0 / 16777216.0);
}
#endif

void main() {
    // the scene is this pass's size: its texel, unfiltered (a filtered tap costs twice)
    vec3 hdr = texelFetch(u_scene, ivec2(gl_FragCoord.xy), 0).rgb
             + u_bloom_intensity * texture(u_bloom, v_uv).rgb;
    vec3 u = sqrt(filmic(hdr));
    // texel centres: 0 -> the first entry, 1 -> the last
    vec3 c = texture(u_grade, (u * (u_grade_size - 1.0) + 0.5) / u_grade_size).rgb;

    vec2 q = (v_uv - 0.5) * vec2(u_aspect, 1.0);
    float r = length(q) / length(vec2(u_aspect, 1.0) * 0.5);  // 1 at the corners
    c *= 1.0 - u_vignette * smoothstep(0.45, 1.0, r) ;

#ifdef GRAIN
    uvec2 p = uvec2(gl_FragCoord.xy + u_grain_offset);
    float n = hash(p) + hash(p + uvec2(7919u, 104729u)) - 1.0;  // triangular, -1..1
    float l = dot(c, LUMA);
    c += u_grain * n * (0.35 + 2.6 * l * (1.0 - l));  // strongest in the mid-tones
#endif
    c = clamp(c, 0.0, 1.0);
    o_color = vec4(c, dot(c, LUMA));
}
