#version 330
// Horde shading: same sun/ambient/fog/exposure as the world; receives the sun shadows
// (one hardware-filtered tap per map: figures are small on screen). The faces are flat:
// the normal is the cross product of the position's screen-space slopes, turned toward
// the eye, so either side of the middle level's crossed triangles (TWO_SIDED) faces the
// light it should. Lit by the effects' point lights (fires, explosion flashes) like the
// world. Variants as the world's (sandbox/view/horde.py follows the stage): FX_LIGHTS
// point lights (undefined: the uniform count), NO_SUN_SHADOW without the shadow lookups,
// CASTERS with the moving casters' map; FADES for the figures in a fade band (the
// screen-door dither).
#include "common.glsl"
#include "fx_noise.glsl"
#include "fx_world.glsl"
#include "horde_common.glsl"

#ifndef NO_SUN_SHADOW
#include "shadows.glsl"
#endif
uniform mat4 p3d_ViewMatrix;

in vec3 v_world_pos;
in vec3 v_view_pos;
#ifdef TWO_SIDED
smooth in vec3 v_albedo;  // middle level: jacket over shirt, hair over skin as gradients
#else
flat in vec3 v_albedo;
#endif
flat in vec2 v_fade;
out vec4 o_color;

void main() {
#ifdef FADES  // only the figures in a fade band: a shader that may discard loses early depth
    if (faded_out(v_fade, gl_FragCoord.xy)) discard;
#endif
    vec3 vn = normalize(cross(dFdx(v_view_pos), dFdy(v_view_pos)));
    if (dot(vn, v_view_pos) > 0.0) vn = -vn;
    vec3 n = vn * mat3(p3d_ViewMatrix);   // to world: the view's rotation, transposed
    float ndl = dot(n, u_sun_dir);
    float direct = clamp(ndl * 0.8 + 0.2, 0.0, 1.0); // a little wrap for readability
    float shadow = 1.0;
#ifndef NO_SUN_SHADOW
    shadow = figure_shadow(v_view_pos + vn * 0.1);
#endif
    float above = smoothstep(-0.02, 0.05, u_sun_dir.z);
    vec3 light = hemisphere(n) + u_sun_color * direct * shadow * above;
#if !defined(FX_LIGHTS) || FX_LIGHTS > 0
    light += fx_point_lights(v_world_pos, n);
#endif
#ifdef TWO_SIDED
    vec3 albedo = pow(v_albedo, vec3(2.2));
#else
    vec3 albedo = v_albedo;
#endif
    vec3 c = apply_fog(albedo * light, length(v_view_pos));
    o_color = vec4(tonemap(c), 1.0);
}
