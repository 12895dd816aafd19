#version 330
// Actors' translucent and self-lit parts (vertex shader: world.vert, built with
// NO_SUN_SHADOW): rotor and propeller blur discs (vertex alpha), the drone's blinking
// beacon and the jet's afterburner (u_emissive adds the albedo as light). Lit like the
// world without a shadow lookup (thin or glowing parts), same fog and exposure.
#include "common.glsl"

uniform float u_emissive;   // 0 = lit only; > 0: albedo * u_emissive added (linear)

in vec3 v_albedo;
in float v_alpha;
in vec2 v_direct;
in vec3 v_ambient_front;
in vec3 v_ambient_back;
in vec3 v_view_pos;

out vec4 o_color;

void main() {
    bool front = gl_FrontFacing;
    vec3 light = (front ? v_ambient_front : v_ambient_back)
               + u_sun_color * (front ? v_direct.x : v_direct.y);
    vec3 c = apply_fog(v_albedo * (light + u_emissive), length(v_view_pos));
    o_color = vec4(tonemap(c), v_alpha);
}
