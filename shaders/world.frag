#version 330
// Half-Lambert sun + hemisphere ambient + PCF sun shadow + exponential fog + filmic exposure,
// plus up to FX_LIGHTS unshadowed point lights (explosion flashes, fires) and the
// burnt material state (scorch, soot streaks above windows, broken glass). The terms
// that are constant over a face come from world.vert, for the side seen.
// Variants (sandbox/view/stage.py picks them per part and per frame, so a frame pays only
// for what it shows): BURNT for the burnable parts of a burnt school, FX_LIGHTS = how
// many point lights to add, NO_SUN_SHADOW where the stage renders no shadow map (draft),
// CASTERS while the moving casters' map holds any, GLASS for the translucent part (with
// BURNT: panes break), SMOOTH for the terrain.
#include "common.glsl"
#include "fx_noise.glsl"
#include "fx_world.glsl"
#ifdef SMOOTH
#define FACE
#else
#define FACE flat
#endif

#ifndef NO_SUN_SHADOW
#include "shadows.glsl"
uniform float u_shadow_texel;   // 1 / shadow map size
#endif

FACE in vec4 v_albedo;
FACE in vec4 v_light;
in vec3 v_view_pos;
#ifndef NO_SUN_SHADOW
in vec3 v_shadow;
#ifdef CASTERS
in vec3 v_cast;
#endif
#endif
#if defined(BURNT) || FX_LIGHTS > 0
FACE in vec3 v_world_normal;
in vec3 v_world_pos;
#endif
#ifdef GLASS
in vec3 v_model_pos;
#endif

out vec4 o_color;

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
    const vec3 BIAS = vec3(0.0, 0.0, 0.0006);
    float shadow = sun_shadow_soft(v_shadow - BIAS, u_shadow_texel);
#ifdef CASTERS
    shadow = min(shadow, cast_shadow(v_cast - BIAS));
#endif
    shadow = direct > 0.0 ? shadow : 0.0;
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
