#version 330
// Actors' translucent and self-lit parts (vertex shader: world.vert): rotor and
// propeller blur discs (vertex alpha), the drone's blinking beacon and the jet's
// afterburner (u_emissive adds the albedo as light). Lit like the world without a
// shadow lookup (thin or glowing parts), same fog and exposure.
#include "common.glsl"

uniform float u_emissive;   // 0 = lit only; > 0: albedo * u_emissive added (linear)

in vec3 v_world_normal;
in vec3 v_view_pos;
in vec3 v_view_normal;
in vec4 v_color;
in vec3 v_model_pos;

out vec4 o_color;

void main() {
    vec3 n = normalize(v_world_normal);
    if (!gl_FrontFacing) n = -n;
    vec3 albedo = srgb_to_linear(v_color.rgb);
    float above = smoothstep(-0.02, 0.05, u_sun_dir.z);
    vec3 light = hemisphere(n) + u_sun_color * clamp(dot(n, u_sun_dir), 0.0, 1.0) * above;
    vec3 c = apply_fog(albedo * (light + u_emissive), length(v_view_pos));
    o_color = vec4(tonemap(c), v_color.a);
}
