#version 330
// Half-Lambert sun + hemisphere ambient + PCF sun shadow + exponential fog + filmic exposure,
// plus up to FX_MAX_LIGHTS unshadowed point lights (explosion flashes, fires) and the
// burnt material state (scorch, soot streaks above windows, broken glass). The terms
// that are constant over a face come from world.vert, per side.
// Variants (sandbox/view/stage.py picks them per frame, so a frame pays only for what it
// shows): BURNT for the burnable parts of a burnt school, FX_LIGHTS = how many point
// lights to add, NO_SUN_SHADOW where the stage renders no shadow map (draft).
#include "common.glsl"
#include "fx_noise.glsl"
#include "fx_world.glsl"

#ifndef NO_SUN_SHADOW
// the sun (declared alike in both stages, as GLSL requires)
uniform struct p3d_LightSourceParameters {
    sampler2DShadow shadowMap;
    mat4 shadowViewMatrix;
} p3d_LightSource[1];
uniform float u_shadow_texel;   // 1 / shadow map size
#endif
uniform float u_emissive_windows; // 0..1: lit windows at night (vertex alpha < 1 marks glass)

in vec3 v_albedo;
in float v_alpha;
in vec2 v_direct;
in vec3 v_ambient_front;
in vec3 v_ambient_back;
in vec3 v_view_pos;
#ifndef NO_SUN_SHADOW
in vec3 v_shadow_front;
in vec3 v_shadow_back;
#endif
#if defined(BURNT) || FX_LIGHTS > 0
in vec3 v_world_normal;
in vec3 v_world_pos;
#endif
in vec3 v_model_pos;

out vec4 o_color;

#ifndef NO_SUN_SHADOW
float sun_shadow(vec3 sc) {
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
#endif

void main() {
    bool front = gl_FrontFacing;
    float direct = front ? v_direct.x : v_direct.y;
    vec3 albedo = v_albedo;
    bool glass = v_alpha < 0.98;
    float broken = 0.0;
#if defined(BURNT) || FX_LIGHTS > 0
    vec3 n = front ? v_world_normal : -v_world_normal;
#endif
#ifdef BURNT
    broken = glass ? fx_broken_window(v_model_pos) : 0.0;
    albedo = fx_burn(albedo, v_world_pos, n, glass);
#endif
#ifdef NO_SUN_SHADOW
    float shadow = 1.0;
#else
    float shadow = direct > 0.0 ? sun_shadow(front ? v_shadow_front : v_shadow_back) : 0.0;
#endif
    vec3 light = (front ? v_ambient_front : v_ambient_back) + u_sun_color * direct * shadow;
#if FX_LIGHTS > 0
    light += fx_point_lights(v_world_pos, n);
#endif
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
