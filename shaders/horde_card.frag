#version 330
// A crowd figure painted on its card: capsules for legs, torso, arms and a disc for
// the head, on a skeleton that horde_card.vert poses once per vertex from the state's
// gait and how side-on the figure is to the camera (side-on: full stride and arms
// reaching ahead; head-on: narrow stride, wider torso), or sprawled as seen from above
// for a lying figure; here each pixel only measures its distance to the bones and takes
// the light horde_card.vert worked out for the card (variants FX_LIGHTS, NO_SUN_SHADOW
// and CASTERS are that shader's).
#include "common.glsl"
#include "horde_common.glsl"

in vec2 v_uv;
flat in vec3 v_open[3];
flat in vec3 v_sun[3];
in float v_shadow;
in float v_fog;
flat in vec4 v_bones[7];   // horde_card.vert: torso, arms, thighs and shins
flat in vec4 v_inv[2];
flat in vec2 v_head;
flat in vec4 v_frame;
flat in vec3 v_skin;
flat in vec3 v_top;
flat in vec3 v_shirt;
flat in vec3 v_legs;
flat in vec2 v_fade;
out vec4 o_color;

// The squared distance from p to bone i: no division or square root per pixel.
float bone(vec2 p, int i) {
    vec2 pa = p - v_bones[i].xy, ba = v_bones[i].zw;
    vec2 q = pa - ba * clamp(dot(pa, ba) * v_inv[i / 4][i % 4], 0.0, 1.0);
    return dot(q, q);
}

// The figure's albedo at card point uv (metres), or a negative x where the card is empty:
// head, torso (jacket above v_frame.w, shirt below), sleeves, legs.
vec3 figure(vec2 uv) {
    vec2 p = vec2(uv.x * v_frame.x, uv.y - v_frame.y);
    vec2 ph = p - v_head;
    if (dot(ph, ph) < CARD_HEAD_R * CARD_HEAD_R) return v_skin;
    if (bone(p, 0) < v_frame.z * v_frame.z) return p.y > v_frame.w ? v_top : v_shirt;
    if (min(bone(p, 1), bone(p, 2)) < CARD_ARM_R * CARD_ARM_R) return v_top;  // hands are a pixel at this size
    if (min(min(bone(p, 3), bone(p, 4)), min(bone(p, 5), bone(p, 6))) < CARD_LEG_R * CARD_LEG_R) return v_legs;
    return vec3(-1.0);
}

void main() {
    if (faded_out(v_fade, gl_FragCoord.xy)) discard;
    vec3 alb = figure(v_uv);
    if (alb.x < 0.0) discard;
    float u = clamp(v_uv.x / 0.3, -1.0, 1.0);
    vec3 light = v_open[0] + u * (v_open[1] + u * v_open[2])
               + (v_sun[0] + u * (v_sun[1] + u * v_sun[2])) * v_shadow;
    o_color = vec4(tonemap(mix(u_fog_color, alb * light, v_fog)), 1.0);
}
