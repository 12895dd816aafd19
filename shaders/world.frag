#version 330
// Half-Lambert sun + hemisphere ambient + PCF sun shadow + exponential fog + filmic exposure,
// plus up to FX_MAX_LIGHTS unshadowed point lights (explosion flashes, fires) and the
// burnt material state (scorch, soot streaks above windows, broken glass).
// Variants (sandbox/view/stage.py picks them per frame; llvmpipe does not skip the code of
// an untaken branch, so what a frame does not need is compiled out): BURNT for the
// burnable parts of a burnt school, FX_LIGHTS = how many point lights to add,
// NO_SUN_SHADOW where the stage renders no shadow map (draft).
#include "common.glsl"
#include "fx_noise.glsl"
#include "fx_world.glsl"

uniform struct p3d_LightSourceParameters {
    vec4 color;
    sampler2DShadow shadowMap;
    mat4 shadowViewMatrix;
} p3d_LightSource[1];

uniform float u_shadow_texel;   // 1 / shadow map size
uniform float u_emissive_windows; // 0..1: lit windows at night (vertex alpha < 1 marks glass)

in vec3 v_world_normal;
in vec3 v_view_pos;
in vec3 v_view_normal;
in vec4 v_color;
in vec3 v_model_pos;
in vec3 v_world_pos;

out vec4 o_color;

float sun_shadow(vec3 view_pos, vec3 view_normal, float ndl) {
    // normal offset against acne, scaled by grazing angle
    vec3 p = view_pos + view_normal * (0.06 + 0.18 * (1.0 - ndl));
    vec4 sc = p3d_LightSource[0].shadowViewMatrix * vec4(p, 1.0);
    sc.xyz /= sc.w;
    if (sc.x <= 0.0 || sc.x >= 1.0 || sc.y <= 0.0 || sc.y >= 1.0 || sc.z >= 1.0) return 1.0;
    sc.z -= 0.0006;
    // four bilinear comparison taps (each a 2x2 PCF in the sampler), 1.5 texels apart:
    // a soft edge about 3.5 texels wide, like a 3x3 grid of taps at under half the cost
    float d = 0.75 * u_shadow_texel;
    return 0.25 * (texture(p3d_LightSource[0].shadowMap, vec3(sc.x - d, sc.y - d, sc.z))
                 + texture(p3d_LightSource[0].shadowMap, vec3(sc.x + d, sc.y - d, sc.z))
                 + texture(p3d_LightSource[0].shadowMap, vec3(sc.x - d, sc.y + d, sc.z))
                 + texture(p3d_LightSource[0].shadowMap, vec3(sc.x + d, sc.y + d, sc.z)));
}

void main() {
    vec3 n = normalize(v_world_normal);
    if (!gl_FrontFacing) n = -n;
    vec3 vn = normalize(v_view_normal);
    if (!gl_FrontFacing) vn = -vn;
    vec3 albedo = srgb_to_linear(v_color.rgb);
    bool glass = v_color.a < 0.98;
    float broken = 0.0;
#ifdef BURNT
    broken = glass ? fx_broken_window(v_model_pos) : 0.0;
    albedo = fx_burn(albedo, v_world_pos, n, glass);
#endif
    float ndl = dot(n, u_sun_dir);
    float direct = clamp(ndl, 0.0, 1.0);
#ifdef NO_SUN_SHADOW
    float shadow = 1.0;
#else
    float shadow = direct > 0.0 ? sun_shadow(v_view_pos, vn, direct) : 0.0;
#endif
    // sun below horizon -> no direct light
    float above = smoothstep(-0.02, 0.05, u_sun_dir.z);
    vec3 light = hemisphere(n) + u_sun_color * direct * shadow * above
               + fx_point_lights(v_world_pos, n);
    vec3 c = albedo * light;
    // glass (vertex alpha < 0.98) glows warmly at night when u_emissive_windows > 0;
    // a hash of the window's position in the model lights only some of them
    if (glass && u_emissive_windows > 0.0 && broken < 0.5) {
        vec3 cell = floor(v_model_pos / vec3(4.0, 4.0, 3.6));
        float lit = step(0.72, fract(sin(dot(cell, vec3(12.99, 78.23, 37.71))) * 43758.55));
        c += vec3(1.0, 0.72, 0.38) * u_emissive_windows * (0.05 + 0.6 * lit);
    }
    // a broken pane shows the dark, burnt-out room behind it
    c = mix(c, albedo * 0.02, broken);
    c = apply_fog(c, length(v_view_pos));
    o_color = vec4(tonemap(c), 1.0);
}
