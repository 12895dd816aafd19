#version 330
// A crowd figure painted on its card: capsules for legs, torso, arms and a disc for
// the head, on a skeleton that horde_card.vert poses once per vertex from the state's
// gait and how side-on the figure is to the camera (side-on: full stride and arms
// reaching ahead; head-on: narrow stride, wider torso), or sprawled as seen from above
// for a lying figure; here each pixel only measures its distance to the bones. Shaded like
// horde.frag (hemisphere + sun, one shadow tap, point lights, fog, tonemap) with a
// cylinder-like normal across an upright card. Variants FX_LIGHTS and NO_SUN_SHADOW as
// horde.frag's.
#include "common.glsl"
#include "fx_noise.glsl"
#include "fx_world.glsl"
#include "horde_common.glsl"

#ifndef NO_SUN_SHADOW
#include "shadows.glsl"
#endif
uniform mat4 p3d_ViewMatrix;

in vec2 v_uv;
in vec3 v_view_pos;
in vec3 v_world_pos;
flat in vec3 v_right;
flat in vec3 v_toward;
flat in vec4 v_bones[7];   // horde_card.vert: torso, arms, thighs and shins
flat in vec2 v_head;
flat in vec4 v_frame;
flat in float v_lying;
flat in vec3 v_skin;
flat in vec3 v_top;
flat in vec3 v_shirt;
flat in vec3 v_legs;
flat in vec2 v_fade;
out vec4 o_color;

float seg(vec2 p, vec2 a, vec2 b) {
    vec2 pa = p - a, ba = b - a;
    float h = clamp(dot(pa, ba) / dot(ba, ba), 0.0, 1.0);
    return length(pa - ba * h);
}

float bone(vec2 p, int i) { return seg(p, v_bones[i].xy, v_bones[i].zw); }

// The figure's albedo at card point uv (metres), or a negative x where the card is empty:
// head, torso (jacket above v_frame.w, shirt below), sleeves, legs.
vec3 figure(vec2 uv) {
    vec2 p = vec2(uv.x * v_frame.x, uv.y - v_frame.y);
    if (length(p - v_head) < 0.115) return v_skin;
    if (bone(p, 0) < v_frame.z) return p.y > v_frame.w ? v_top : v_shirt;
    if (min(bone(p, 1), bone(p, 2)) < 0.06) return v_top;  // hands are a pixel at this size
    if (min(min(bone(p, 3), bone(p, 4)), min(bone(p, 5), bone(p, 6))) < 0.075) return v_legs;
    return vec3(-1.0);
}

void main() {
    if (faded_out(v_fade, gl_FragCoord.xy)) discard;
    bool down = v_lying > 0.5;
    vec3 alb = figure(v_uv);
    if (alb.x < 0.0) discard;

    vec3 n;
    if (down) {
        n = normalize(v_toward);
    } else { // a cylinder-like normal across the card: lit like the round figure
        float u = clamp(v_uv.x / 0.3, -1.0, 1.0);
        n = normalize(v_right * u * 0.8 + v_toward * sqrt(max(0.0, 1.0 - u * u * 0.64)) + vec3(0.0, 0.0, 0.25));
    }
    float ndl = dot(n, u_sun_dir);
    float direct = clamp(ndl * 0.8 + 0.2, 0.0, 1.0);
    float shadow = 1.0;
#ifndef NO_SUN_SHADOW
    vec3 vn = mat3(p3d_ViewMatrix) * n;
    vec4 p = vec4(v_view_pos + vn * 0.1, 1.0);
    const vec3 BIAS = vec3(0.0, 0.0, 0.0008);
    shadow = sun_shadow_tap((p3d_LightSource[0].shadowViewMatrix * p).xyz - BIAS);
#ifdef CASTERS
    shadow = min(shadow, cast_shadow((p3d_LightSource[1].shadowViewMatrix * p).xyz - BIAS));
#endif
#endif
    float above = smoothstep(-0.02, 0.05, u_sun_dir.z);
    vec3 light = hemisphere(n) + u_sun_color * direct * shadow * above;
#if !defined(FX_LIGHTS) || FX_LIGHTS > 0
    light += fx_point_lights(v_world_pos, n);
#endif
    vec3 c = apply_fog(alb * light, length(v_view_pos));
    o_color = vec4(tonemap(c), 1.0);
}
