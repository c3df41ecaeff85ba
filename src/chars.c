/*
 * chars.c - the byte class table (see chars.h)
 */
#include "chars.h"

#define A (SAFEADDR__C_ATEXT | SAFEADDR__C_PLAIN)
#define N SAFEADDR__C_ATEXT /* atext that needs a second look */
#define M (SAFEADDR__C_ATEXT | SAFEADDR__C_PLAIN | SAFEADDR__C_HOST) /* - */
#define P (SAFEADDR__C_SPECIAL | SAFEADDR__C_PLAIN | SAFEADDR__C_HOST) /* . */
#define S SAFEADDR__C_SPECIAL
#define W SAFEADDR__C_WSP
#define C SAFEADDR__C_CTL
#define H (SAFEADDR__C_HIGH | SAFEADDR__C_HOST)
#define L (SAFEADDR__C_ATEXT | SAFEADDR__C_ALNUM | SAFEADDR__C_HOST | SAFEADDR__C_PLAIN)
#define X (SAFEADDR__C_ATEXT | SAFEADDR__C_ALNUM | SAFEADDR__C_HEX | SAFEADDR__C_HOST | \
           SAFEADDR__C_PLAIN)
#define D (SAFEADDR__C_ATEXT | SAFEADDR__C_ALNUM | SAFEADDR__C_DIGIT |         \
           SAFEADDR__C_HEX | SAFEADDR__C_HOST | SAFEADDR__C_PLAIN)

const uint16_t safeaddr__char_class[256] = {
    /* 0x00 */ C, C, C, C, C, C, C, C, C, W, C, C, C, C, C, C,
    /* 0x10 */ C, C, C, C, C, C, C, C, C, C, C, C, C, C, C, C,
    /* 0x20  SP ! " # $ % & ' ( ) * + , - . / */
    W, A, S, A, N, A, A, A, S, S, A, A, S, M, P, A,
    /* 0x30  0-9 : ; < = > ? */
    D, D, D, D, D, D, D, D, D, D, S, S, S, N, S, A,
    /* 0x40  @ A-O */
    S, X, X, X, X, X, X, L, L, L, L, L, L, L, L, L,
    /* 0x50  P-Z [ \ ] ^ _ */
    L, L, L, L, L, L, L, L, L, L, L, S, S, S, A, A,
    /* 0x60  ` a-o */
    N, X, X, X, X, X, X, L, L, L, L, L, L, L, L, L,
    /* 0x70  p-z { | } ~ DEL */
    L, L, L, L, L, L, L, L, L, L, L, A, A, A, A, C,
    /* 0x80 - 0xFF */
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
    H, H, H, H, H, H, H, H, H, H, H, H, H, H, H, H,
};
