#version 330
// Effect particles, shaded procedurally per kind (fx_kinds.glsl): fbm fireball puffs and
// flame tongues (heat -> colour ramp), lit billowing smoke and debris, snow,
// a ground shock ring and soft glow sprites. ADDITIVE builds the variant drawn with
// one/one blending (emissive kinds); without it the output is alpha-blended. KINDS, a
// bit mask (bit k: kind k), builds a variant with only those kinds' code: a software
// rasteriser runs every kind's branch for every fragment, so a layer drawing snow alone
// would pay for the fireball's fbm too (sandbox/view/effects.py picks the variant of
// the kinds each frame draws). Without KINDS all kinds are built.
#include "common.glsl"
#include "fx_noise.glsl"
#include "fx_kinds.glsl"
#ifndef KINDS
#define KINDS 255
#endif
#define HAS(kind) (((KINDS) >> (kind)) & 1)
uniform float u_fx_time;       // scene time, seconds
uniform vec3 u_cam_right;
uniform vec3 u_cam_up;

in vec2 v_uv;
in vec4 v_color;
flat in vec4 v_info;
in vec3 v_world;
in float v_dist;
out vec4 o_color;

vec3 lit(vec3 albedo, vec3 n) {
    float above = smoothstep(-0.02, 0.05, u_sun_dir.z);
    return albedo * (hemisphere(n) + u_sun_color * (0.35 + 0.65 * max(dot(n, u_sun_dir), 0.0)) * above * 0.8);
}

void main() {
    int kind = int(v_info.x + 0.5);
    float seed = v_info.y, param = v_info.z;
    vec2 uv = v_uv;
    float r = length(uv);
    // the quad's corners (21% of its area) and all but invisible particles cost nothing
    if ((r > 1.0 && kind != FX_FLAME) || v_color.a < 0.01) discard;
    vec2 so = vec2(fract(seed * 0.137) * 91.0, fract(seed * 0.311) * 57.0);
    float t = u_fx_time;
#if HAS(FX_DEBRIS) || HAS(FX_RING)
    float ang = atan(uv.y, uv.x);
#endif
    // Each kind's point in the noise table, then one lookup for the kind drawn: a
    // software rasteriser would sample once for every kind built into the variant.
    vec2 at = so;
#if HAS(FX_FIREBALL)
    if (kind == FX_FIREBALL) at += uv * 2.2 + vec2(0.0, -t * 0.9);
#endif
#if HAS(FX_SMOKE)
    if (kind == FX_SMOKE) at += uv * 1.3 + vec2(t * 0.05, -t * 0.12);
#endif
#if HAS(FX_FLAME)
    float y = uv.y * 0.5 + 0.5;                      // 0 base .. 1 tip
    if (kind == FX_FLAME) at += vec2(uv.x * 1.8, y * 2.2 - t * 2.6);
#endif
#if HAS(FX_DEBRIS)
    if (kind == FX_DEBRIS) at += vec2(ang * 1.3 + 4.0, 0.0);
#endif
#if HAS(FX_RING)
    if (kind == FX_RING) at += vec2(ang * 3.0, r * 4.0);
#endif
    vec4 noise = fx_noise_texel(at);   // R value noise, G fbm of 3 octaves, B of 4
    vec3 c = vec3(0.0);
    float a = 0.0;
#if HAS(FX_FIREBALL)
    if (kind == FX_FIREBALL) {
        // a churning ball: fbm eats the rim, the core is hotter than the edge, and the
        // cooler folds turn to black soot as the whole ball cools (param: heat 1 -> 0)
        float n = noise.b;
        float d = smoothstep(1.0, 0.3, r + (n - 0.5) * 1.1);
        float heat = param * (0.4 + 0.8 * (1.0 - r)) * (0.2 + 1.5 * n);
        vec3 fire = fx_fire_color(heat) * v_color.rgb * smoothstep(0.0, 0.25, heat);
        vec3 soot = lit(vec3(0.035, 0.03, 0.026), normalize(u_cam_up + cross(u_cam_right, u_cam_up)));
        c = mix(fire, soot, smoothstep(0.32, 0.08, heat));
        a = d * v_color.a;
    }
#endif
#if HAS(FX_SMOKE)
    if (kind == FX_SMOKE) {
        float n = noise.g;
        float d = smoothstep(1.0, 0.25, r + (n - 0.5) * 1.0);
        vec3 toward = cross(u_cam_right, u_cam_up);
        vec3 nrm = normalize(u_cam_right * uv.x + u_cam_up * uv.y
                             + toward * sqrt(max(1.0 - r * r, 0.05)) + vec3(0.0, 0.0, (n - 0.5)));
        c = lit(v_color.rgb * (0.75 + 0.5 * n), nrm);
        // the fire below lights the column's underside
        c += fx_fire_color(param) * param * 2.5 * smoothstep(0.4, -1.0, uv.y) * n;
        a = d * v_color.a;
    }
#endif
#if HAS(FX_FLAME)
    if (kind == FX_FLAME) {
        float n = noise.g;
        float width = pow(max(1.0 - y, 0.0), 0.7) * (0.35 + 0.65 * smoothstep(0.0, 0.15, y));
        float d = smoothstep(0.0, 0.3, width - abs(uv.x) + (n - 0.5) * 0.7);
        float heat = (1.0 - y) * (0.4 + 0.65 * n);
        c = fx_fire_color(heat) * v_color.rgb;
        a = d * v_color.a;
    }
#endif
#if HAS(FX_SPARK) || HAS(FX_GLOW)
    if (kind == FX_SPARK || kind == FX_GLOW) {
        float k = kind == FX_SPARK ? 7.0 : 3.0;
        c = v_color.rgb;
        a = exp(-r * r * k) * v_color.a * smoothstep(1.0, 0.8, r);
    }
#endif
#if HAS(FX_DEBRIS)
    if (kind == FX_DEBRIS) {
        float edge = 0.55 + 0.4 * noise.r;
        a = (1.0 - smoothstep(edge - 0.08, edge, r)) * v_color.a;
        c = lit(v_color.rgb, vec3(0.0, 0.0, 1.0)) + fx_fire_color(param) * param * 3.0;
    }
#endif
#if HAS(FX_SNOW)
    if (kind == FX_SNOW) {
        c = lit(v_color.rgb, vec3(0.0, 0.0, 1.0));
        a = smoothstep(1.0, 0.2, r) * v_color.a;
    }
#endif
#if HAS(FX_RING)
    if (kind == FX_RING) {
        // dust thrown out by the shock front: a ragged bright band with a thin trail inside
        float n = noise.g;
        float band = exp(-pow((r - 0.86) / 0.09, 2.0)) + 0.25 * smoothstep(0.86, 0.2, r) * step(r, 0.86);
        c = lit(v_color.rgb, vec3(0.0, 0.0, 1.0)) * (0.8 + 0.4 * n);
        a = clamp(band * (0.5 + 0.8 * n), 0.0, 1.0) * v_color.a * step(r, 1.0);
    }
#endif
    if (a < 0.003) discard;
#ifdef ADDITIVE
    c *= exp(-u_fog_density * v_dist);
    o_color = vec4(tonemap(c) * a, 1.0);
#else
    c = apply_fog(c, v_dist);
    o_color = vec4(tonemap(c), a);
#endif
}
