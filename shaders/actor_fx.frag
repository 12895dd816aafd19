#version 330
// Actors' translucent and self-lit parts (vertex shader: world.vert, built with
// NO_SUN_SHADOW): rotor and propeller blur discs (vertex alpha), the drone's blinking
// beacon and the jet's afterburner (u_emissive adds the albedo as light). Lit like the
// world without a shadow lookup (thin or glowing parts), same fog and exposure.
#include "common.glsl"

uniform float u_emissive;   // 0 = lit only; > 0: albedo * u_emissive added (linear)

flat in vec4 v_albedo;      // linear albedo, coverage
flat in vec4 v_light;       // ambient, sun's direct factor: the side seen
in vec3 v_view_pos;

out vec4 o_color;

void main() {
    vec3 light = v_light.rgb + u_sun_color * v_light.a;
    vec3 c = apply_fog(v_albedo.rgb * (light + u_emissive), length(v_view_pos));
    o_color = vec4(tonemap(c), v_albedo.a);
}
