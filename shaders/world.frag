#version 330
// Half-Lambert sun + hemisphere ambient + PCF sun shadow + exponential fog + filmic exposure,
// plus up to FX_LIGHTS unshadowed point lights (explosion flashes, fires) and the
// burnt material state (scorch, soot streaks above windows, broken glass). The terms
// that are constant over a face come from world.vert, for the side seen.
// Variants (sandbox/view/stage.py picks them per part and per frame, so a frame pays only
// for what it shows): BURNT for the burnable parts of a burnt school, FX_LIGHTS = how
// many point lights to add, NO_SUN_SHADOW where the stage renders no shadow map (draft),
// GLASS for the translucent part (with BURNT: panes break), SMOOTH for the terrain.
#include "common.glsl"
#include "fx_noise.glsl"
#include "fx_world.glsl"
#ifdef SMOOTH
#define FACE
#else
#define FACE flat
#endif

#ifndef NO_SUN_SHADOW
// the sun (declared alike in both stages, as GLSL requires)
uniform struct p3d_LightSourceParameters {
    sampler2DShadow shadowMap;
    mat4 shadowViewMatrix;
} p3d_LightSource[1];
uniform float u_shadow_texel;   // 1 / shadow map size
#endif

FACE in vec4 v_albedo;
FACE in vec4 v_light;
in vec3 v_view_pos;
#ifndef NO_SUN_SHADOW
in vec3 v_shadow;
#endif
#if defined(BURNT) || FX_LIGHTS > 0
FACE in vec3 v_world_normal;
in vec3 v_world_pos;
#endif
#ifdef GLASS
in vec3 v_model_pos;
#endif

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
    vec3 albedo = v_albedo.rgb;
    float direct = v_light.a;
#ifdef GLASS
    float broken = 0.0;
#endif
#ifdef BURNT
#ifdef GLASS
    broken = fx_broken_window(v_model_pos);
    albedo = fx_burn(albedo, v_world_pos, v_world_normal, true);
#else
    albedo = fx_burn(albedo, v_world_pos, v_world_normal, false);
#endif
#endif
#ifdef NO_SUN_SHADOW
    float shadow = 1.0;
#else
    float shadow = direct > 0.0 ? sun_shadow(v_shadow) : 0.0;
#endif
    vec3 light = v_light.rgb + u_sun_color * direct * shadow;
#if FX_LIGHTS > 0
    light += fx_point_lights(v_world_pos, v_world_normal);
#endif
    vec3 c = albedo * light;
#ifdef GLASS
    c = mix(c, albedo * 0.02, broken);  // a broken pane shows the dark, burnt-out room
#endif
    c = apply_fog(c, length(v_view_pos));
    o_color = vec4(tonemap(c), 1.0);
}
