/* CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320): the checksum of every journal record. */
#ifndef RT_CRC32_H
#define RT_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continues a CRC: start with crc = 0; rt_crc32(0, "123456789", 9) == 0xCBF43926. */
uint32_t rt_crc32(uint32_t crc, const void *data, size_t len);

#endif
